using McpRag.McpServer.Distribution;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace McpRag.McpServer.Tests.Distribution;

/// <summary>
/// The default locations rule: relative paths in a McpRag checkout (unchanged behaviour of the README's commands), a
/// per-user data directory and the samples shipped next to the program anywhere else, and configuration always wins.
/// </summary>
public sealed class DefaultLocationsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mcprag-locations-").FullName;

    [Fact]
    public void DataDir_InCheckout_IsDotMcpragInTheWorkingDirectory()
    {
        File.WriteAllText(Path.Combine(_folder, DefaultLocations.CheckoutMarker), "");

        Assert.Equal(".mcprag", DefaultLocations.DataDir(_folder));
        Assert.Equal(Path.Combine("samples", "tenants.json"), DefaultLocations.TenantsFile(_folder));
        Assert.Equal(Path.Combine("samples", "documents"), DefaultLocations.SampleDocuments(_folder));
    }

    [Fact]
    public void DataDir_OutsideCheckout_IsThePerUserFolder()
    {
        var perUser = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);

        Assert.Equal(Path.Combine(perUser, "mcprag"), DefaultLocations.DataDir(_folder));
        Assert.True(Path.IsPathRooted(DefaultLocations.DataDir(_folder)));
    }

    [Fact]
    public void TenantsFile_OutsideCheckout_IsTheSampleTableShippedWithTheProgram()
    {
        var file = DefaultLocations.TenantsFile(_folder);

        Assert.StartsWith(AppContext.BaseDirectory, file, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryPaths.Samples, "tenants.json")), File.ReadAllText(file));
    }

    [Fact]
    public void SampleDocuments_OutsideCheckout_HoldEverySampleTenantsDocuments()
    {
        var folder = DefaultLocations.SampleDocuments(_folder);

        foreach (var tenant in SampleDeployment.SampleTenants)
        {
            var shipped = Directory.GetFiles(Path.Combine(folder, tenant)).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            var source = Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "documents", tenant)).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            Assert.Equal(source, shipped);
        }
    }

    [Fact]
    public void Apply_OutsideCheckout_DefaultsToPerUserDataAndShippedTable()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = _folder });

        HostConfiguration.Apply(builder, configFile: null, dev: false);

        Assert.Equal(DefaultLocations.DataDir(_folder), builder.Configuration["McpRag:DataDir"]);
        Assert.Equal(DefaultLocations.TenantsFile(_folder), builder.Configuration["McpRag:Tenants:File"]);
    }

    [Fact]
    public void Apply_ConfigFileNamesLocations_OverridesTheDefaults()
    {
        var config = Path.Combine(_folder, "mcprag.json");
        File.WriteAllText(config, """{ "McpRag": { "DataDir": "/srv/mcprag", "Tenants": { "File": "/etc/mcprag/tenants.json" } } }""");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = _folder });

        HostConfiguration.Apply(builder, config, dev: false);

        Assert.Equal("/srv/mcprag", builder.Configuration["McpRag:DataDir"]);
        Assert.Equal("/etc/mcprag/tenants.json", builder.Configuration["McpRag:Tenants:File"]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

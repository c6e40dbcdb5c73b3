using System.Reflection;
using System.Text.Json.Nodes;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Cli;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Tests.Distribution;

/// <summary>
/// The <c>.mcp/server.json</c> that the package carries: valid for the MCP registry, in step with the package version,
/// and describing the server as it really starts (arguments, the environment variables it reads, which are secret).
/// </summary>
public sealed class ServerJsonTests
{
    private static readonly string ServerJsonPath = Path.Combine(RepositoryPaths.Root, "src", "McpServer", ".mcp", "server.json");

    private static JsonObject Load() => JsonNode.Parse(File.ReadAllText(ServerJsonPath))!.AsObject();

    [Fact]
    public void Validate_ShippedServerJson_HasNoViolations()
    {
        var document = Load();

        Assert.Empty(ServerJsonSchema.Validate(document));
        Assert.Equal(ServerJsonSchema.SchemaUrl, document["$schema"]!.GetValue<string>());
    }

    /// <summary>Each break, where the schema reports it (JSON pointer), by which keyword, and a word of the message.</summary>
    public static TheoryData<string, string, string, string> BrokenDocuments() => new()
    {
        { "missing name", "", "required", "name" },
        { "name without namespace", "/name", "pattern", "" },
        { "long description", "/description", "maxLength", "" },
        { "version range", "/version", "pattern", "" },
        { "latest package version", "/packages/0/version", "pattern", "" },
        { "missing transport", "/packages/0", "required", "transport" },
        { "unknown package property", "/packages/0/command", "false", "" },
        { "positional without value", "/packages/0/packageArguments/0", "required", "value" },
        { "named without name", "/packages/0/packageArguments/1", "required", "name" },
        { "environment variable without name", "/packages/0/environmentVariables/0", "required", "name" },
        { "secret flag as text", "/packages/0/environmentVariables/0/isSecret", "type", "boolean" },
        { "unknown input format", "/packages/0/environmentVariables/0/format", "enum", "" },
        { "repository without source", "/repository", "required", "source" },
    };

    [Theory]
    [MemberData(nameof(BrokenDocuments))]
    public void Validate_BrokenDocument_ReportsTheViolation(string change, string location, string keyword, string detail)
    {
        var document = Load();
        var package = document["packages"]![0]!.AsObject();
        var variable = package["environmentVariables"]![0]!.AsObject();
        switch (change)
        {
            case "missing name": document.Remove("name"); break;
            case "name without namespace": document["name"] = "mcprag"; break;
            case "long description": document["description"] = new string('x', 101); break;
            case "version range": document["version"] = "^0.1.0"; break;
            case "latest package version": package["version"] = "latest"; break;
            case "missing transport": package.Remove("transport"); break;
            case "unknown package property": package["command"] = "mcprag"; break;
            case "positional without value": package["packageArguments"]![0]!.AsObject().Remove("value"); break;
            case "named without name": package["packageArguments"]![1]!.AsObject().Remove("name"); break;
            case "environment variable without name": variable.Remove("name"); break;
            case "secret flag as text": variable["isSecret"] = "true"; break;
            case "unknown input format": variable["format"] = "password"; break;
            case "repository without source": document["repository"]!.AsObject().Remove("source"); break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        var errors = ServerJsonSchema.Validate(document);
        Assert.True(errors.Any(e => e.StartsWith($"{location} {keyword}:", StringComparison.Ordinal) && e.Contains(detail, StringComparison.Ordinal)), string.Join("\n", errors));
    }

    [Theory]
    [InlineData("0.1.0", true)]
    [InlineData("1.0.0-beta.1", true)]
    [InlineData("10.2.3", true)]
    [InlineData("^1.2.3", false)]
    [InlineData("~1.2.3", false)]
    [InlineData(">=1.2.3", false)]
    [InlineData("1.x", false)]
    [InlineData("1.*", false)]
    [InlineData("1.0.0 - 2.0.0", false)]
    [InlineData("1.0.0 || 2.0.0", false)]
    public void Validate_Version_AcceptsOnlyOneExactVersion(string version, bool valid)
    {
        var document = Load();
        document["version"] = version;

        Assert.Equal(valid, ServerJsonSchema.Validate(document).Count == 0);
    }

    [Fact]
    public void ServerJson_Versions_MatchThePackageVersion()
    {
        var document = Load();
        var packageVersion = typeof(McpRagCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

        Assert.Equal(packageVersion, document["version"]!.GetValue<string>());
        Assert.Equal(packageVersion, document["packages"]![0]!["version"]!.GetValue<string>());
    }

    [Fact]
    public void ServerJson_Package_StartsTheStdioServerFromNuGet()
    {
        var package = Load()["packages"]![0]!;

        Assert.Equal("nuget", package["registryType"]!.GetValue<string>());
        Assert.Equal("McpRag", package["identifier"]!.GetValue<string>());
        Assert.Equal("stdio", package["transport"]!["type"]!.GetValue<string>());
        var arguments = package["packageArguments"]!.AsArray().SelectMany(a => a!["type"]!.GetValue<string>() == "named"
            ? new[] { a["name"]!.GetValue<string>(), a["value"]!.GetValue<string>() }
            : [a["value"]!.GetValue<string>()]);
        Assert.Equal(["serve", "--transport", "stdio"], arguments);
        // The parser of the real program accepts exactly these arguments.
        Assert.Empty(McpRagCommandLine.Build().Parse(arguments.ToArray()).Errors);
    }

    [Fact]
    public void ServerJson_EnvironmentVariables_AreSettingsTheServerReads()
    {
        var variables = Load()["packages"]![0]!["environmentVariables"]!.AsArray().Select(v => v!.AsObject()).ToList();

        var token = Assert.Single(variables, v => v["name"]!.GetValue<string>() == StdioTokenSource.EnvironmentVariable);
        Assert.True(token["isSecret"]!.GetValue<bool>());
        Assert.True(token["isRequired"]!.GetValue<bool>());
        var sections = new Dictionary<string, Type>
        {
            [StorageOptions.Section] = typeof(StorageOptions),
            [TenantDirectoryOptions.Section] = typeof(TenantDirectoryOptions),
            [AuthOptions.Section] = typeof(AuthOptions),
        };
        foreach (var variable in variables.Where(v => v != token))
        {
            var key = variable["name"]!.GetValue<string>().Replace("__", ":", StringComparison.Ordinal);
            var section = key[..key.LastIndexOf(':')];
            Assert.True(sections.TryGetValue(section, out var options), $"{key}: no options class binds {section}");
            Assert.NotNull(options.GetProperty(key[(key.LastIndexOf(':') + 1)..]));
            Assert.False(variable["isSecret"]!.GetValue<bool>());
        }

        Assert.Single(variables, v => v["name"]!.GetValue<string>() == "McpRag__Auth__ResourceUrl");
    }

    [Fact]
    public void PackageReadme_NamesTheServer_SoTheRegistryCanVerifyOwnership()
    {
        var name = Load()["name"]!.GetValue<string>();

        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "McpServer", "README.md"));

        Assert.Contains($"mcp-name: {name}", readme, StringComparison.Ordinal);
    }
}

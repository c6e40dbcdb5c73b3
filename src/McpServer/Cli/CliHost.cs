using McpRag.McpServer.Hosting;

namespace McpRag.McpServer.Cli;

/// <summary>A host for the operator verbs (<c>ingest</c>, <c>token</c>, <c>demo</c>): the server's configuration and retrieval services, no transport.</summary>
internal static class CliHost
{
    public static IHost Build(string? configFile, bool dev, string? listenUrls = null, string? resourceUrl = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        HostConfiguration.Apply(builder, configFile, dev);
        if (resourceUrl is not null)
        {
            // A command-line switch (token issue --resource): wins over the file and the environment.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{Auth.AuthOptions.Section}:{nameof(Auth.AuthOptions.ResourceUrl)}"] = resourceUrl });
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A verb ends with one line saying what failed; the resilience pipeline's per-attempt records (each with a
        // stack trace) are for a server's operators, not for a command's output.
        builder.Logging.AddFilter("Polly", LogLevel.None);
        builder.Services.AddMcpRagRetrieval();
        builder.Services.AddMcpRagAuth(listenUrls);
        builder.Services.AddSingleton<IngestRunner>();
        builder.Services.AddSingleton<OpenSearchProvisionRunner>();
        builder.Services.AddSingleton<MigrateRunner>();
        builder.Services.AddSingleton<TenantImporter>();
        builder.Services.AddSingleton<ExportRunner>();
        builder.Services.AddSingleton<ImportRunner>();
        builder.Services.AddSingleton<IndexCheckRunner>();
        builder.Services.AddSingleton<IndexRepairRunner>();
        builder.Services.AddSingleton<Auth.DevTokenIssuer>();
        return builder.Build();
    }
}

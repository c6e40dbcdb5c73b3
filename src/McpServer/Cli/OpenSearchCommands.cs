using System.CommandLine;

namespace McpRag.McpServer.Cli;

/// <summary>The <c>mcprag opensearch …</c> operator verbs.</summary>
internal static class OpenSearchCommands
{
    public static Command Build(Option<string?> config)
    {
        var tenants = new Option<string>("--tenants") { Description = "Routing table whose opensearch routes to provision.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the generated files (one sub-folder per endpoint).", DefaultValueFactory = _ => "opensearch-config" };
        var apply = new Option<bool>("--apply") { Description = "Also create the indexes, search pipeline and roles on the clusters (needs cluster-admin credentials in MCPRAG_OPENSEARCH_ADMIN_USER/PASSWORD)." };
        var provision = new Command("provision", "Write roles.yml, roles_mapping.yml, the jwt_auth_domain block, index bodies and the hybrid search pipeline for each OpenSearch endpoint.")
        {
            tenants, output, apply, config,
        };
        provision.SetAction((result, cancellationToken) => McpRagCommandLine.Run(async () =>
        {
            using var host = CliHost.Build(result.GetValue(config), dev: false);
            await host.Services.GetRequiredService<OpenSearchProvisionRunner>()
                .RunAsync(result.GetValue(tenants)!, result.GetValue(output)!, result.GetValue(apply), cancellationToken);
        }));
        var command = new Command("opensearch", "OpenSearch backend administration.");
        command.Subcommands.Add(provision);
        return command;
    }

    /// <summary><c>mcprag migrate --tenant ID --to ROUTES</c>: moves a tenant from the embedded index to its OpenSearch route.</summary>
    public static Command Migrate(Option<string?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant to move (its current route must be on the local backend).", Required = true };
        var to = new Option<string>("--to") { Description = "Routing table file holding the tenant's OpenSearch route.", Required = true };
        var command = new Command("migrate", "Copy a tenant's documents from the embedded index to OpenSearch (bulk API, resumable), then verify the count.") { tenant, to, config };
        command.SetAction((result, cancellationToken) => McpRagCommandLine.Run(async () =>
        {
            using var host = CliHost.Build(result.GetValue(config), dev: false);
            await host.Services.GetRequiredService<MigrateRunner>().RunAsync(result.GetValue(tenant)!, result.GetValue(to)!, cancellationToken);
        }));
        return command;
    }
}

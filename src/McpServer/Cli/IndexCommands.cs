using System.CommandLine;

namespace McpRag.McpServer.Cli;

/// <summary>The <c>mcprag index …</c> operator verbs for the embedded index: <c>check</c> and <c>repair</c>.</summary>
internal static class IndexCommands
{
    public static Command Build(Option<string?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose index is checked (in document isolation: the index it shares).", Required = true };
        var check = new Command("check", "Verify a tenant's index (Lucene CheckIndex, embedding model, vectors, whole documents); one verdict line, exit 0 if consistent, 1 if damaged.") { tenant, config };
        check.SetAction(async (result, cancellationToken) =>
        {
            var exit = 0;
            var failed = await McpRagCommandLine.Run(async () =>
            {
                using var host = CliHost.Build(result.GetValue(config), dev: false);
                exit = await host.Services.GetRequiredService<IndexCheckRunner>().RunAsync(result.GetValue(tenant)!, cancellationToken);
            });
            return failed != 0 ? failed : exit;
        });
        var repairTenant = new Option<string>("--tenant") { Description = "Tenant whose index is repaired (in document isolation: the index it shares).", Required = true };
        var from = new Option<string?>("--from") { Description = "Export file of the tenant (mcprag export) to restore documents the damage took." };
        var repair = new Command("repair", "Make a damaged index consistent: drop unreadable segments, rebuild torn documents from their stored text, restore the rest from an export; one report line, exit 0 if nothing was lost, 1 otherwise.") { repairTenant, from, config };
        repair.SetAction(async (result, cancellationToken) =>
        {
            var exit = 0;
            var failed = await McpRagCommandLine.Run(async () =>
            {
                using var host = CliHost.Build(result.GetValue(config), dev: false);
                exit = await host.Services.GetRequiredService<IndexRepairRunner>().RunAsync(result.GetValue(repairTenant)!, result.GetValue(from), cancellationToken);
            });
            return failed != 0 ? failed : exit;
        });
        var command = new Command("index", "Embedded index administration.");
        command.Subcommands.Add(check);
        command.Subcommands.Add(repair);
        return command;
    }
}

using System.CommandLine;

namespace McpRag.McpServer.Cli;

/// <summary><c>mcprag export</c> and <c>mcprag import</c>: one tenant's documents to and from a portable file (backup, restore, move).</summary>
internal static class PortabilityCommands
{
    public static Command Export(Option<string?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose documents are exported (its route must be on the local backend).", Required = true };
        var output = new Option<string>("--out") { Description = "File to write (JSON Lines; replaced atomically).", Required = true };
        var vectors = new Option<bool>("--vectors") { Description = "Also write the stored whole-document vectors and the model that made them." };
        var command = new Command("export", "Write a tenant's documents and attributes (optionally vectors) to a portable file.") { tenant, output, vectors, config };
        command.SetAction((result, cancellationToken) => McpRagCommandLine.Run(async () =>
        {
            using var host = CliHost.Build(result.GetValue(config), dev: false);
            await host.Services.GetRequiredService<ExportRunner>().RunAsync(result.GetValue(tenant)!, result.GetValue(output)!, result.GetValue(vectors), cancellationToken);
        }));
        return command;
    }

    public static Command Import(Option<string?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose route receives the documents (the file must be that tenant's export).", Required = true };
        var file = new Argument<string>("file") { Description = "An export file written by mcprag export." };
        var command = new Command("import", "Load an export file into the tenant's backend; idempotent, and resumed by running it again.") { tenant, file, config };
        command.SetAction((result, cancellationToken) => McpRagCommandLine.Run(async () =>
        {
            using var host = CliHost.Build(result.GetValue(config), dev: false);
            await host.Services.GetRequiredService<ImportRunner>().RunAsync(result.GetValue(tenant)!, result.GetValue(file)!, cancellationToken);
        }));
        return command;
    }
}

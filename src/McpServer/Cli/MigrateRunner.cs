using McpRag.McpServer.Hosting;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Cli;

/// <summary>
/// <c>mcprag migrate</c>: copies a tenant's documents from the embedded index into its OpenSearch route with the bulk
/// API, reusing the stored vectors when both sides use the same model, then verifies the document count. It is an
/// export held in memory followed by the import's write path (<see cref="TenantImporter"/>): documents already copied
/// unchanged are skipped, so an interrupted run is resumed by running it again.
/// </summary>
internal sealed class MigrateRunner(ITenantDirectory directory, BackendRegistry backends, LocalIndexBackend local, TenantImporter importer)
{
    public async Task RunAsync(string tenantId, string targetRoutesFile, CancellationToken cancellationToken)
    {
        var source = await directory.FindAsync(tenantId, cancellationToken)
            ?? throw new CommandLineException($"tenant '{tenantId}' is not in the routing table");
        if (!string.Equals(source.Backend, LocalIndexBackend.BackendName, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandLineException($"tenant '{tenantId}' is on backend '{source.Backend}'; migrate copies from the local backend");
        }

        if (!File.Exists(targetRoutesFile))
        {
            throw new CommandLineException($"--to file not found: {targetRoutesFile}");
        }

        var targets = TenantTable.Parse(await File.ReadAllTextAsync(targetRoutesFile, cancellationToken), backends.ValidateRoute);
        if (!targets.TryGetValue(tenantId, out var target) || !string.Equals(target.Backend, OpenSearchBackend.BackendName, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandLineException($"{targetRoutesFile} has no opensearch route for tenant '{tenantId}'");
        }

        var path = local.IndexPathOf(source);
        var documents = LocalIndexExport.Read(path, tenantId).Select(e => (e.Document, e.Vector)).ToList();
        await importer.ImportAsync(target, documents, LocalIndexExport.ReadModel(path), cancellationToken);
    }
}

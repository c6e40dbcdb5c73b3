using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Portability;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Cli;

/// <summary>
/// <c>mcprag export --tenant ID --out FILE</c>: writes one tenant's documents (and, with <c>--vectors</c>, the stored
/// whole-document vectors with the model that made them) to a portable file, the backup that <c>import</c> restores.
/// Reads a snapshot of the last commit, so it can run beside a serving process.
/// </summary>
internal sealed class ExportRunner(ITenantDirectory directory, LocalIndexBackend local, TimeProvider time)
{
    public async Task<int> RunAsync(string tenantId, string outFile, bool vectors, CancellationToken cancellationToken)
    {
        var route = await directory.FindAsync(tenantId, cancellationToken)
            ?? throw new Hosting.CommandLineException($"tenant '{tenantId}' is not in the routing table");
        if (!string.Equals(route.Backend, LocalIndexBackend.BackendName, StringComparison.OrdinalIgnoreCase))
        {
            throw new Hosting.CommandLineException($"tenant '{tenantId}' is on backend '{route.Backend}'; export reads the local backend");
        }

        var path = local.IndexPathOf(route);
        var exported = LocalIndexExport.Read(path, tenantId);
        var model = vectors ? LocalIndexExport.ReadModel(path) : null;
        var documents = exported.Select(e => (e.Document, model is null ? null : e.Vector)).ToList();
        var dimensions = documents.Select(d => d.Item2?.Length).FirstOrDefault(d => d is not null);
        await TenantExportFile.WriteAsync(outFile, new TenantExportHeader(tenantId, documents.Count, model, dimensions, time.GetUtcNow()), documents, cancellationToken);
        var withVectors = documents.Count(d => d.Item2 is not null);
        Console.Error.WriteLine($"{tenantId}: {documents.Count} documents exported to {outFile}" + (model is null ? "" : $" ({withVectors} with {model} vectors)"));
        return documents.Count;
    }
}

using McpRag.McpServer.Hosting;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Spectre.Console;

namespace McpRag.McpServer.Cli;

/// <summary>
/// <c>mcprag migrate</c>: copies a tenant's documents from the embedded index into its OpenSearch route with the bulk
/// API, reusing the stored vectors when both sides use the same model, then verifies the document count. Documents
/// already copied unchanged are skipped, so an interrupted run is resumed by running it again.
/// </summary>
public sealed class MigrateRunner(ITenantDirectory directory, BackendRegistry backends, LocalIndexBackend local, OpenSearchBackend openSearch)
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

        var targetModel = OpenSearchRoute.Parse(target).Route!.EmbeddingModel;
        var exported = LocalIndexExport.Read(local.IndexPathOf(source), tenantId);
        var reuse = targetModel == MiniLmEmbeddingGenerator.ModelId;
        var documents = exported.Select(e => (e.Document, reuse ? e.Vector : null)).ToList();
        var reused = documents.Count(d => d.Item2 is not null);
        Console.Error.WriteLine($"{tenantId}: {documents.Count} documents; {reused} keep their embeddings, {documents.Count - reused} are embedded with {targetModel}");

        var principal = TenantPrincipal.Operator(tenantId);
        var written = 0;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"{tenantId} → opensearch", maxValue: Math.Max(1, documents.Count));
                written = await openSearch.ImportAsync(target, principal, documents, new Progress<int>(done => task.Value = done), cancellationToken);
                task.Value = task.MaxValue;
            });

        var count = await openSearch.CountAsync(target, principal, cancellationToken);
        Console.Error.WriteLine($"{tenantId}: {written} documents written ({documents.Count - written} already there unchanged); the index holds {count} of the tenant's documents");
        if (count < documents.Count)
        {
            throw new CommandLineException($"verification failed: {documents.Count} documents exported but the OpenSearch index holds {count}; run migrate again to resume");
        }
    }
}

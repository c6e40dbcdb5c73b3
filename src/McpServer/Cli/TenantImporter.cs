using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Spectre.Console;

namespace McpRag.McpServer.Cli;

/// <summary>
/// Writes a tenant's exported documents into whatever writable backend its route names, with a progress bar on stderr;
/// the one write path of <c>mcprag import</c> and <c>mcprag migrate</c>. Idempotent and resumable because every backend
/// skips documents already stored unchanged (content hash) and commits batch by batch: running it again after an
/// interruption writes only what is missing. Vectors are passed on only where the target embeds with the model that
/// made them; the import then verifies that every document is present.
/// </summary>
internal sealed class TenantImporter(BackendRegistry backends)
{
    /// <summary>Returns how many documents the target stores after the import; fails when that is fewer than were given.</summary>
    public async Task<long> ImportAsync(TenantRoute target, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> documents, string? vectorModel, CancellationToken cancellationToken)
    {
        var tenantId = target.TenantId;
        var principal = TenantPrincipal.Operator(tenantId);
        var backend = backends.Get(target);
        var openSearch = backend as OpenSearchBackend;
        var targetModel = openSearch is null ? null : OpenSearchRoute.Of(target).EmbeddingModel;
        var reuse = vectorModel is not null && vectorModel == targetModel;
        var reused = reuse ? documents.Count(d => d.Vector is not null) : 0;
        Console.Error.WriteLine($"{tenantId}: {documents.Count} documents → {target.Backend}; {reused} keep their embeddings, {documents.Count - reused} are embedded by the target");

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var written = 0;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"{tenantId} → {target.Backend}", maxValue: Math.Max(1, documents.Count));
                var report = new Progress<int>(done => task.Value = done);
                written = openSearch is not null
                    ? await openSearch.ImportAsync(target, principal, documents.Select(d => (d.Document, reuse ? d.Vector : null)).ToList(), report, cancellationToken)
                    : await backend.UpsertAsync(target, principal, documents.Select(d => d.Document).ToList(), report, cancellationToken);
                task.Value = task.MaxValue;
            });

        long present;
        if (openSearch is not null)
        {
            present = await openSearch.CountAsync(target, principal, cancellationToken);
        }
        else
        {
            present = 0;
            foreach (var (document, _) in documents)
            {
                present += await backend.GetAsync(target, principal, document.Id, cancellationToken) is not null ? 1 : 0;
            }
        }

        var unit = openSearch is not null ? "documents" : "chunks";
        Console.Error.WriteLine($"{tenantId}: {written} {unit} written (the rest were already there unchanged); {present} of {documents.Count} documents present");
        if (present < documents.Count)
        {
            throw new Hosting.CommandLineException($"verification failed: {documents.Count} documents given but the target holds {present}; run the command again to resume");
        }

        return present;
    }
}

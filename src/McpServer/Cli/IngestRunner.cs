using System.Diagnostics;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Spectre.Console;

namespace McpRag.McpServer.Cli;

/// <summary>Loads files and writes them to a tenant's backend with a progress bar on stderr; shared by <c>ingest</c> and <c>demo</c>.</summary>
internal sealed class IngestRunner(ITenantDirectory directory, BackendRegistry backends)
{
    public async Task<(int Documents, int Chunks)> RunAsync(string tenantId, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var route = await directory.FindAsync(tenantId, cancellationToken)
            ?? throw new Hosting.CommandLineException($"tenant '{tenantId}' is not in the routing table");
        var documents = DocumentLoader.Enumerate(paths).SelectMany(f => DocumentLoader.Load(f.File, f.Root)).ToList();
        var backend = backends.Get(route);
        var started = Stopwatch.GetTimestamp();
        var chunks = 0;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"{tenantId}: {documents.Count} documents", maxValue: Math.Max(1, documents.Count));
                chunks = await backend.UpsertAsync(route, TenantPrincipal.Operator(tenantId), documents, new Progress<int>(done => task.Value = done), cancellationToken);
                task.Value = task.MaxValue;
            });
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.Error.WriteLine($"{tenantId}: {documents.Count} documents, {chunks} chunks (re)indexed in {seconds:0.0} s" + (chunks == 0 ? " (all unchanged)" : ""));
        return (documents.Count, chunks);
    }
}

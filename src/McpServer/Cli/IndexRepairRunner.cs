using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Portability;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace McpRag.McpServer.Cli;

/// <summary>
/// <c>mcprag index repair --tenant ID [--from EXPORT]</c>: makes a damaged index consistent again and writes back what
/// it can. Segments Lucene cannot read are dropped; every document no longer whole is removed and written again from
/// its stored text (re-embedded) when its first chunk survived; with <c>--from</c>, the tenant's documents missing
/// from the index are restored from an export file. Prints one report line naming what could not be recovered; exit
/// code 0 when nothing was lost, 1 otherwise. Run it with the index's writers stopped.
/// </summary>
internal sealed class IndexRepairRunner(ITenantDirectory directory, LocalIndexBackend local, IEmbeddingGenerator<string, Embedding<float>> embeddings)
{
    public async Task<int> RunAsync(string tenantId, string? exportFile, CancellationToken cancellationToken)
    {
        var route = await IndexCheckRunner.LocalRouteAsync(directory, tenantId, "index repair", cancellationToken);
        (TenantExportHeader Header, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> Documents)? export =
            exportFile is null ? null : await TenantExportFile.ReadAsync(exportFile, cancellationToken);
        if (export is { } file && file.Header.Tenant != tenantId)
        {
            throw new Hosting.CommandLineException($"{exportFile} holds the documents of tenant '{file.Header.Tenant}', not '{tenantId}'");
        }

        var path = local.IndexPathOf(route);
        var dimensions = embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions ?? MiniLmEmbeddingGenerator.Dimensions;
        var structural = Directory.Exists(path) ? LocalIndexRepair.DropDamagedSegments(path) : new LocalIndexRepair.Result(0, 0, Unreadable: true);
        if (structural.Unreadable && export is null)
        {
            Console.Out.WriteLine($"not repaired: tenant {tenantId}: the index has no readable commit; restore it from an export (mcprag import, or index repair --from FILE)");
            return IndexCheckRunner.Damaged;
        }

        if (structural.Unreadable)
        {
            Directory.Delete(path, recursive: true);
        }

        // Read what each broken document's first chunk still holds before its chunks are removed.
        var broken = structural.Unreadable ? [] : LocalIndexCheck.BrokenDocuments(path, dimensions);
        var stored = broken.Select(b => b.Tenant).Distinct()
            .SelectMany(t => LocalIndexExport.Read(path, t).Select(e => (Tenant: t, e.Document)))
            .Where(d => broken.Contains((d.Tenant, d.Document.Id)))
            .ToList();
        LocalIndexRepair.RemoveDocuments(path, broken);

        var rebuilt = 0;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        await console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"{tenantId}: rebuilding {stored.Count} documents", maxValue: Math.Max(1, stored.Count));
                foreach (var group in stored.GroupBy(s => s.Tenant))
                {
                    var tenantRoute = route with { TenantId = group.Key };
                    await local.UpsertAsync(tenantRoute, TenantPrincipal.Operator(group.Key), group.Select(g => g.Document).ToList(), null, cancellationToken);
                    rebuilt += group.Count();
                    task.Value = rebuilt;
                }
            });

        var restored = 0;
        if (export is { } backup)
        {
            var present = LocalIndexExport.Read(path, tenantId).Select(e => e.Document.Id).ToHashSet(StringComparer.Ordinal);
            var missing = backup.Documents.Select(d => d.Document).Where(d => !present.Contains(d.Id)).ToList();
            await local.UpsertAsync(route, TenantPrincipal.Operator(tenantId), missing, null, cancellationToken);
            restored = missing.Count;
        }

        var recovered = stored.Select(s => (s.Tenant, s.Document.Id)).ToHashSet();
        var restoredIds = export?.Documents.Select(d => d.Document.Id).ToHashSet(StringComparer.Ordinal) ?? [];
        var lostDocuments = broken.Where(b => !recovered.Contains(b) && !(b.Tenant == tenantId && restoredIds.Contains(b.DocId))).ToList();
        var droppedUnknown = structural.LostChunks > 0 && export is null;
        var line = $"tenant {tenantId}: dropped {structural.DroppedSegments} damaged segments ({structural.LostChunks} chunks), rebuilt {rebuilt} documents from stored text, restored {restored} from the export";
        if (lostDocuments.Count == 0 && !droppedUnknown)
        {
            Console.Out.WriteLine($"repaired: {line}; nothing lost");
            return 0;
        }

        var lost = lostDocuments.Count == 0 ? "" : $"; could not recover {lostDocuments.Count} documents: {string.Join(", ", lostDocuments.Take(20).Select(l => l.DocId))}{(lostDocuments.Count > 20 ? ", …" : "")}";
        var unknown = droppedUnknown ? "; documents wholly inside the dropped segments are gone: restore them with --from an export file" : "";
        Console.Out.WriteLine($"repaired with losses: {line}{lost}{unknown}");
        return IndexCheckRunner.Damaged;
    }
}

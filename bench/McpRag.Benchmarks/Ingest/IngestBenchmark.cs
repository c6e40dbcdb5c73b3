using System.Diagnostics;
using McpRag.Retrieval;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Benchmarks.Ingest;

/// <summary>
/// Ingest throughput through <c>UpsertAsync</c> into a fresh index, against the raw model ceiling measured in the
/// same run: the same chunk texts encoded by the same model in length-sorted batches of 16, with no indexing.
/// </summary>
internal sealed class IngestBenchmark(BenchPaths paths, MiniLmEmbeddingGenerator model)
{
    public async Task<IngestResult> RunAsync(string corpus, IReadOnlyList<RetrievalDocument> documents, CancellationToken cancellationToken)
    {
        model.Warm();
        var options = new LocalBackendOptions();
        var chunker = new TextChunker(options.Chunking);
        var texts = documents.SelectMany(d => Chunks(chunker, d).Select(c => d.Title + "\n\n" + c)).ToList();

        Console.Error.WriteLine($"ingest: {corpus}: model ceiling on {texts.Count} chunks");
        var ceilingStarted = Stopwatch.GetTimestamp();
        foreach (var batch in texts.OrderBy(t => t.Length).Chunk(16))
        {
            await model.GenerateAsync(batch, cancellationToken: cancellationToken);
        }

        var ceiling = texts.Count / Stopwatch.GetElapsedTime(ceilingStarted).TotalSeconds;

        var folder = Path.Combine(paths.Data, "ingest", corpus);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.Error.WriteLine($"ingest: {corpus}: UpsertAsync of {documents.Count} documents");
        var timed = new TimedEmbeddingGenerator(model);
        using var backend = new LocalIndexBackend(Options.Create(new StorageOptions { DataDir = folder }), Options.Create(options), timed);
        var route = new TenantRoute("ingest", LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = "ingest" };
        var started = Stopwatch.GetTimestamp();
        var chunks = await backend.UpsertAsync(route, TenantPrincipal.Operator("ingest"), documents, null, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new IngestResult(corpus, documents.Count, chunks, seconds, timed.Elapsed.TotalSeconds, ceiling);
    }

    private static IReadOnlyList<string> Chunks(TextChunker chunker, RetrievalDocument document)
    {
        var chunks = chunker.Split(document.Text);
        return chunks.Count > 0 ? chunks : [document.Title];
    }
}

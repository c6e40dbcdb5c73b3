using System.Diagnostics;
using McpRag.Benchmarks.Reporting;
using McpRag.Benchmarks.Scale;
using McpRag.Retrieval;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// What one tenant's large writes do to another tenant's searches: hybrid search latency of a reader tenant, idle,
/// then while a writer tenant runs several maximal <c>upsert_document</c> writes at once (each at the per-call passage
/// cap), first with embedding unscheduled (every write embeds at once, as before the scheduler), then through the
/// <see cref="EmbeddingScheduler"/> with its defaults. Same process, same model, same documents.
/// </summary>
internal sealed class WriteInterferenceBenchmark(BenchPaths paths, MiniLmEmbeddingGenerator model)
{
    public sealed record Result(int Writers, int PassagesPerWrite, Summary IdleMs, Summary UnscheduledMs, Summary ScheduledMs);

    public async Task<Result> RunAsync(int writers, TimeSpan window, CancellationToken cancellationToken)
    {
        var corpus = new SyntheticCorpus(Directory.EnumerateFiles(Path.Combine(paths.Root, "samples", "documents"), "*.md", SearchOption.AllDirectories).Select(File.ReadAllText));
        var queries = corpus.Queries(200, seed: 5);
        var folder = Path.Combine(paths.Data, "write-interference", Guid.NewGuid().ToString("n"));
        var storage = Options.Create(new StorageOptions { DataDir = folder });
        var options = Options.Create(new LocalBackendOptions { QueryVectorCacheSize = 0 });
        var reader = new TenantRoute("reader", LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = "reader" };
        model.Warm();
        try
        {
            using (var build = new LocalIndexBackend(storage, options, model))
            {
                await build.UpsertAsync(reader, TenantPrincipal.Operator("reader"), corpus.Documents("r-", 40, seed: 1).ToList(), null, cancellationToken);
            }

            var quota = new TenantQuota();
            var document = MaximalWrite(corpus, new LocalIndexBackend(storage, options, model), quota.MaxChunksPerWrite);
            var counted = new CountingGenerator(model);
            using var unscheduled = new LocalIndexBackend(storage, options, counted);
            using var scheduler = new EmbeddingScheduler(Options.Create(new EmbeddingSchedulerOptions()));
            using var scheduled = new LocalIndexBackend(storage, options, new ScheduledEmbeddingGenerator(counted, scheduler));

            // Tier-0 code first: warm the search path before anything is timed.
            await SearchWhileAsync(unscheduled, reader, queries, TimeSpan.FromSeconds(3), writes: null, cancellationToken);
            var idle = await SearchWhileAsync(unscheduled, reader, queries, window, writes: null, cancellationToken);
            var passagesBefore = counted.Passages;
            var before = await SearchWhileAsync(unscheduled, reader, queries, window, WritesAsync(unscheduled, "w-unscheduled", document, writers), cancellationToken);
            var passagesDuring = counted.Passages;
            var after = await SearchWhileAsync(scheduled, reader, queries, window, WritesAsync(scheduled, "w-scheduled", document, writers), cancellationToken);
            Console.Error.WriteLine($"write-interference: passages embedded while searching: unscheduled {passagesDuring - passagesBefore}, scheduled {counted.Passages - passagesDuring}");
            var passages = unscheduled.EmbeddingCost(document);
            Console.Error.WriteLine(
                $"write-interference: {writers} writes of {passages} passages at once; reader hybrid ms median/p99: idle {idle.Median:0}/{idle.P99:0}, " +
                $"unscheduled {before.Median:0}/{before.P99:0}, scheduled {after.Median:0}/{after.P99:0}");
            return new Result(writers, passages, idle, before, after);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>One document at the per-call cap: synthetic paragraphs added until one more would pass it.</summary>
    private static RetrievalDocument MaximalWrite(SyntheticCorpus corpus, LocalIndexBackend backend, int cap)
    {
        using (backend)
        {
            var paragraphs = new List<string>();
            foreach (var source in corpus.Documents("m-", 10_000, seed: 3))
            {
                paragraphs.Add(source.Text);
                if (backend.EmbeddingCost(new RetrievalDocument("max", "Maximal write", string.Join("\n\n", paragraphs))) > cap)
                {
                    paragraphs.RemoveAt(paragraphs.Count - 1);
                    break;
                }
            }

            return new RetrievalDocument("max", "Maximal write", string.Join("\n\n", paragraphs));
        }
    }

    /// <summary>Starts <paramref name="writers"/> writes of <paramref name="document"/> (distinct ids) by one tenant; they stop when cancelled.</summary>
    private static Func<CancellationToken, Task> WritesAsync(LocalIndexBackend backend, string tenant, RetrievalDocument document, int writers) => cancellationToken =>
    {
        var route = new TenantRoute(tenant, LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = tenant };
        return Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            try
            {
                await backend.UpsertAsync(route, TenantPrincipal.Operator(tenant), [document with { Id = $"max-{i}" }], null, cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped at the end of the window (ONNX Runtime reports a cancelled run as its own exception).
            }
        }, CancellationToken.None)));
    };

    /// <summary>Counts the passages (not queries) the model embeds, to show how much writing went on during a window.</summary>
    private sealed class CountingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private long _passages;

        public long Passages => Interlocked.Read(ref _passages);

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            var result = await inner.GenerateAsync(texts, options, cancellationToken);
            if (!EmbeddingPurpose.IsQuery(options))
            {
                Interlocked.Add(ref _passages, texts.Count);
            }

            return result;
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }

    private static async Task<Summary> SearchWhileAsync(LocalIndexBackend backend, TenantRoute reader, IReadOnlyList<string> queries, TimeSpan window, Func<CancellationToken, Task>? writes, CancellationToken cancellationToken)
    {
        using var stopWrites = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = writes?.Invoke(stopWrites.Token) ?? Task.CompletedTask;

        // Let the writes get into their embedding before timing.
        await Task.Delay(writes is null ? TimeSpan.Zero : TimeSpan.FromSeconds(2), cancellationToken);
        var timings = new List<double>();
        var deadline = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
        for (var i = 0; Stopwatch.GetTimestamp() < deadline; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await backend.SearchAsync(reader, TenantPrincipal.Operator(reader.TenantId), new SearchQuery(queries[i % queries.Count], SearchLimits.DefaultTopK, SearchMode.Hybrid, RetrievalDocument.EmptyAttributes), cancellationToken);
            timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        await stopWrites.CancelAsync();
        await writing;
        return Summary.Of(timings);
    }
}

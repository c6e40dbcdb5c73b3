using System.Diagnostics;
using McpRag.Benchmarks.Reporting;
using McpRag.Retrieval;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Benchmarks.Scale;

/// <summary>
/// Search latency per mode (including the query embedding) and resident memory at growing index sizes in one
/// tenant, then the largest size split over many tenants sharing one index (document isolation), where every
/// query is filtered to one tenant. Indexes are built through <c>UpsertAsync</c> and cached between runs.
/// </summary>
internal sealed class ScaleBenchmark(BenchPaths paths, MiniLmEmbeddingGenerator model, int queryCount)
{
    private const int IngestBatch = 2_000;

    /// <summary>
    /// Each point runs in a fresh process (<c>scale-point</c>), so its resident memory is that index's alone and not
    /// what earlier points or other sections left behind.
    /// </summary>
    public static async Task<IReadOnlyList<ScalePoint>> RunAsync(BenchPaths paths, IReadOnlyList<int> sizes, int tenants, int queryCount, CancellationToken cancellationToken)
    {
        var plan = sizes.Order().Select(size => (Chunks: size, Tenants: 1)).ToList();
        if (tenants > 1)
        {
            plan.Add((sizes.Max(), tenants));
        }

        var points = new List<ScalePoint>();
        foreach (var (chunks, pointTenants) in plan)
        {
            var section = $"scale-point-{chunks}-{pointTenants}";
            await ChildProcess.RunAsync(paths, ["scale-point", "--chunks", I(chunks), "--tenants", I(pointTenants), "--queries", I(queryCount)], cancellationToken);
            points.Add(new ResultStore(paths).Read<ScalePoint>(section) ?? throw new InvalidOperationException($"scale: the {section} run recorded nothing"));
        }

        return points;
    }

    /// <summary>One point, in this process: builds (or reuses) the index, measures, and records the result.</summary>
    public async Task MeasurePointAsync(int chunks, int tenants, CancellationToken cancellationToken)
    {
        var corpus = new SyntheticCorpus(Directory.EnumerateFiles(Path.Combine(paths.Root, "samples", "documents"), "*.md", SearchOption.AllDirectories).Select(File.ReadAllText));
        var queries = corpus.Queries(queryCount, seed: 7);
        model.Warm();
        var label = tenants == 1 ? $"{chunks:N0} chunks, 1 tenant" : $"{chunks:N0} chunks, {tenants} tenants (document isolation)";
        var point = await MeasureAsync(label, chunks, tenants, corpus, queries, cancellationToken);
        new ResultStore(paths).Save($"scale-point-{chunks}-{tenants}", point);
    }

    private static string I(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<ScalePoint> MeasureAsync(string label, int chunks, int tenants, SyntheticCorpus corpus, IReadOnlyList<string> queries, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(paths.Data, "scale", $"{chunks}-{tenants}");
        var options = Options.Create(new LocalBackendOptions { BatchDocuments = IngestBatch, Chunking = new ChunkingOptions(), QueryVectorCacheSize = 0 });
        var storage = Options.Create(new StorageOptions { DataDir = folder });
        var isolation = tenants == 1 ? TenantIsolation.Index : TenantIsolation.Document;
        TenantRoute Route(string tenant) => new(tenant, LocalIndexBackend.BackendName, isolation) { Index = tenants == 1 ? tenant : "shared" };
        string TenantName(int t) => $"t{t:D3}";

        var marker = Path.Combine(folder, "built.txt");
        var build = 0.0;
        if (!File.Exists(marker))
        {
            // Built by a backend of its own, which is closed before the searches, and the memory the build grew
            // returned to the system: RSS then measures a server that opens a 100k-chunk index, not an ingest.
            using (var writer = new LocalIndexBackend(storage, options, new HashedPassageEmbeddingGenerator(model)))
            {
                var started = Stopwatch.GetTimestamp();
                var perTenant = chunks / tenants;
                for (var t = 0; t < tenants; t++)
                {
                    var tenant = TenantName(t);
                    foreach (var batch in corpus.Documents(tenant + "-", perTenant, seed: t).Chunk(IngestBatch))
                    {
                        await writer.UpsertAsync(Route(tenant), TenantPrincipal.Operator(tenant), batch, null, cancellationToken);
                    }

                    Console.Error.Write($"\rscale: {label}: {(t + 1) * perTenant:N0} chunks   ");
                }

                build = Stopwatch.GetElapsedTime(started).TotalSeconds;
            }

            Console.Error.WriteLine();
            await File.WriteAllTextAsync(marker, build.ToString("R", System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        else
        {
            build = double.Parse(await File.ReadAllTextAsync(marker, cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        using var backend = new LocalIndexBackend(storage, options, new HashedPassageEmbeddingGenerator(model));
        var searcher = TenantName(tenants / 2);
        var route = Route(searcher);
        var principal = TenantPrincipal.Operator(searcher);
        var latencies = new Dictionary<string, Summary>(StringComparer.Ordinal);
        var modes = new[] { SearchMode.Keyword, SearchMode.Semantic, SearchMode.Hybrid };

        // A fresh process runs unoptimised (tier-0) code at first: warm every mode before timing any.
        for (var i = 0; i < 50; i++)
        {
            await backend.SearchAsync(route, principal, new SearchQuery(queries[i % queries.Count], SearchLimits.DefaultTopK, modes[i % modes.Length], RetrievalDocument.EmptyAttributes), cancellationToken);
        }

        // Modes take turns query by query, so a noisy moment on the shared machine falls on all of them alike.
        var timings = modes.ToDictionary(m => m, _ => new List<double>(queries.Count));
        var embedding = new List<double>(queries.Count);
        for (var i = 0; i < queries.Count; i++)
        {
            var embedStarted = Stopwatch.GetTimestamp();
            await model.GenerateAsync([queries[i]], EmbeddingPurpose.Query(), cancellationToken);
            embedding.Add(Stopwatch.GetElapsedTime(embedStarted).TotalMilliseconds);
            foreach (var mode in modes)
            {
                var query = new SearchQuery(queries[i], SearchLimits.DefaultTopK, mode, RetrievalDocument.EmptyAttributes);
                var started = Stopwatch.GetTimestamp();
                var page = await backend.SearchAsync(route, principal, query, cancellationToken);
                timings[mode].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (page.Hits.Count == 0 && mode != SearchMode.Keyword)
                {
                    throw new InvalidOperationException($"scale: {mode} search found nothing in {label}");
                }
            }
        }

        foreach (var mode in modes)
        {
            latencies[mode.ToString().ToLowerInvariant()] = Summary.Of(timings[mode]);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.Error.WriteLine($"scale: {label}: hybrid median {latencies["hybrid"].Median:0.0} ms, RSS {process.WorkingSet64 / 1048576.0:0} MB");
        return new ScalePoint(label, chunks, tenants, latencies, process.WorkingSet64 / 1048576.0, build) { QueryEmbeddingMs = Summary.Of(embedding), RssFileMb = MappedFilesMb() };
    }

    /// <summary>Resident pages of mapped files (<c>RssFile</c>, Linux); null elsewhere.</summary>
    private static double? MappedFilesMb()
    {
        const string status = "/proc/self/status";
        var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("RssFile:", StringComparison.Ordinal)) : null;
        return line is not null && long.TryParse(line["RssFile:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var kb) ? kb / 1024.0 : null;
    }
}

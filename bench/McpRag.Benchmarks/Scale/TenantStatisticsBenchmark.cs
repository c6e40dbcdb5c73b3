using System.Diagnostics;
using System.Globalization;
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
/// What per-tenant ranking statistics cost in a shared index: keyword search latency over the same index files
/// with the index-wide statistics (the index opened through an index-isolation route, by a link to the shared
/// folder) and with the caller tenant's statistics, warm (computed earlier in the same reader generation) and cold
/// (the first query after another tenant's write opened a new generation). Queries rotate over all tenants and the
/// three variants take turns query by query, so machine noise falls on all of them alike. Keyword statistics are now
/// the tenant's own in every isolation mode, so the index-isolation variant measures the same per-tenant path opened
/// another way; the index-wide figures in docs/benchmarks.md were measured before that change.
/// </summary>
internal sealed class TenantStatisticsBenchmark(BenchPaths paths, MiniLmEmbeddingGenerator model)
{
    public sealed record Result(int Chunks, int Tenants, Summary IndexWideMs, Summary TenantWarmMs, Summary TenantColdMs);

    public async Task<Result> RunAsync(int chunks, int tenants, int queryCount, CancellationToken cancellationToken)
    {
        var corpus = new SyntheticCorpus(Directory.EnumerateFiles(Path.Combine(paths.Root, "samples", "documents"), "*.md", SearchOption.AllDirectories).Select(File.ReadAllText));
        var queries = corpus.Queries(queryCount, seed: 11);
        var folder = Path.Combine(paths.Data, "tenant-stats", $"{chunks}-{tenants}");
        var options = new LocalBackendOptions { BatchDocuments = 2_000, Chunking = new ChunkingOptions(), ReopenInterval = TimeSpan.Zero, QueryVectorCacheSize = 0 };
        using var backend = new LocalIndexBackend(Options.Create(new StorageOptions { DataDir = folder }), Options.Create(options), new HashedPassageEmbeddingGenerator(model));
        TenantRoute Shared(string tenant) => new(tenant, LocalIndexBackend.BackendName, TenantIsolation.Document) { Index = "shared" };
        TenantRoute IndexWide(string tenant) => new(tenant, LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = "shared" };
        string Tenant(int t) => $"t{t:D3}";

        var marker = Path.Combine(folder, "built.txt");
        if (!File.Exists(marker))
        {
            for (var t = 0; t < tenants; t++)
            {
                var tenant = Tenant(t);
                await backend.UpsertAsync(Shared(tenant), TenantPrincipal.Operator(tenant), corpus.Documents(tenant + "-", chunks / tenants, seed: t).ToList(), null, cancellationToken);
                Console.Error.Write($"\rtenant-stats: {(t + 1) * (chunks / tenants):N0} chunks   ");
            }

            Console.Error.WriteLine();
            Directory.CreateDirectory(Path.Combine(folder, "indexes"));
            Directory.CreateSymbolicLink(Path.Combine(folder, "indexes", "shared"), Path.Combine(folder, "shared", "shared"));
            await File.WriteAllTextAsync(marker, "built", cancellationToken);
        }

        SearchQuery Query(int i) => new(queries[i % queries.Count], SearchLimits.DefaultTopK, SearchMode.Keyword, RetrievalDocument.EmptyAttributes);
        async Task<double> TimeAsync(TenantRoute route, SearchQuery query)
        {
            var started = Stopwatch.GetTimestamp();
            await backend.SearchAsync(route, TenantPrincipal.Operator(route.TenantId), query, cancellationToken);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        // Warm-up: tier-0 code, and every tenant's statistics in the current generation.
        for (var i = 0; i < Math.Max(tenants, 50); i++)
        {
            await TimeAsync(Shared(Tenant(i % tenants)), Query(i));
            await TimeAsync(IndexWide(Tenant(i % tenants)), Query(i));
        }

        var indexWide = new List<double>();
        var warm = new List<double>();
        var cold = new List<double>();
        var writer = TenantPrincipal.Operator("writer");
        for (var i = 0; i < queryCount; i++)
        {
            var tenant = Tenant(i % tenants);

            // Another tenant's write opens a new generation: the next query computes its tenant's statistics afresh.
            // The index-wide view reopens on its next query; that reopen is not part of what is measured.
            await backend.UpsertAsync(Shared("writer"), writer, [new RetrievalDocument("w", "writer", "note " + i.ToString(CultureInfo.InvariantCulture))], null, cancellationToken);
            await TimeAsync(IndexWide(tenant), Query(i + 1));
            cold.Add(await TimeAsync(Shared(tenant), Query(i)));
            indexWide.Add(await TimeAsync(IndexWide(tenant), Query(i)));
            warm.Add(await TimeAsync(Shared(tenant), Query(i)));
        }

        var result = new Result(chunks, tenants, Summary.Of(indexWide), Summary.Of(warm), Summary.Of(cold));
        Console.Error.WriteLine(
            $"tenant-stats: {chunks:N0} chunks, {tenants} tenants, keyword ms median/p99: index-wide {result.IndexWideMs.Median:0.00}/{result.IndexWideMs.P99:0.00}, " +
            $"tenant warm {result.TenantWarmMs.Median:0.00}/{result.TenantWarmMs.P99:0.00}, tenant cold {result.TenantColdMs.Median:0.00}/{result.TenantColdMs.P99:0.00}");
        return result;
    }
}

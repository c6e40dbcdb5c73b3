using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Benchmarks.Beir;
using McpRag.Benchmarks.Hosting;
using McpRag.Benchmarks.Reporting;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace McpRag.Benchmarks.Quality;

/// <summary>
/// Ingests a BEIR corpus as one tenant through the backend's real <c>UpsertAsync</c> (what <c>mcprag ingest</c>
/// calls), then runs every judged query through <c>SearchAsync</c> directly or through the <c>search</c> tool over
/// MCP, 100 results deep (two pages), and scores the rankings. The built index is cached by corpus hash and
/// index settings, so later runs (other fusion settings, the MCP path) skip ingestion.
/// </summary>
internal sealed class QualityEvaluator(BenchPaths paths)
{
    public const string Tenant = "eval";
    private const int PageSize = 50;
    private const int Depth = 100;
    private const int IngestBatch = 256;

    public async Task<QualityRun> RunAsync(BeirDataset dataset, LocalSettings settings, IReadOnlyList<SearchMode> modes, bool viaMcp, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(paths.Indexes, $"{dataset.Name}-{dataset.CorpusHash()[..12]}-{settings.IndexKey}");
        var deployment = BenchDeployment.Create(folder, new Dictionary<string, JsonObject>
        {
            [Tenant] = new() { ["isolation"] = "index", ["index"] = Tenant, ["quota"] = BenchDeployment.UnthrottledQuota() },
        }, settings);
        var queries = dataset.ReadQueries();
        var qrels = dataset.ReadQrels();
        var judged = queries.Where(q => qrels.Judgments.ContainsKey(q.Id)).ToList();

        await using var services = deployment.BuildRetrieval();
        var ingest = await IngestAsync(dataset, folder, services, cancellationToken);
        var results = new List<ModeQuality>();
        if (viaMcp)
        {
            await using var app = await deployment.StartHttpAsync();
            await using var client = await BenchDeployment.ConnectAsync(BenchDeployment.EndpointOf(app), BenchDeployment.TokenFor(app.Services, Tenant), cancellationToken);
            foreach (var mode in modes)
            {
                results.Add(await EvaluateAsync(mode, judged, qrels, (text, m) => SearchToolAsync(client, text, m, cancellationToken)));
            }
        }
        else
        {
            var backend = services.GetRequiredService<LocalIndexBackend>();
            var route = new TenantRoute(Tenant, LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = Tenant };
            var principal = TenantPrincipal.Operator(Tenant);
            foreach (var mode in modes)
            {
                results.Add(await EvaluateAsync(mode, judged, qrels, (text, m) => SearchBackendAsync(backend, route, principal, text, m, cancellationToken)));
            }
        }

        return new QualityRun(dataset.Name, settings, viaMcp ? "search tool over MCP (streamable HTTP)" : "LocalIndexBackend.SearchAsync", ingest, results);
    }

    private static async Task<ModeQuality> EvaluateAsync(SearchMode mode, IReadOnlyList<BeirQuery> queries, Qrels qrels, Func<string, SearchMode, Task<IReadOnlyList<string>>> search)
    {
        var ndcg = 0.0;
        var recall = 0.0;
        var latencies = new List<double>(queries.Count);
        var rankings = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            var started = Stopwatch.GetTimestamp();
            var ranking = await search(Clip(query.Text), mode);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            rankings[query.Id] = ranking;
            ndcg += RankingMetrics.NdcgAt(10, ranking, qrels.For(query.Id));
            recall += RankingMetrics.RecallAt(Depth, ranking, qrels.For(query.Id));
        }

        var n = Math.Max(1, queries.Count);
        return new ModeQuality(mode.ToString().ToLowerInvariant(), ndcg / n, recall / n, Summary.Of(latencies), queries.Count)
        {
            Rankings = rankings,
            RankingsDigest = Digest(queries.Select(q => q.Id + ":" + string.Join(',', rankings[q.Id]))),
        };
    }

    private static string Digest(IEnumerable<string> lines) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines))))[..16];

    /// <summary>Queries longer than the tool accepts are cut at a word boundary, the same for every path.</summary>
    private static string Clip(string text)
    {
        if (text.Length <= SearchLimits.MaxQueryLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', SearchLimits.MaxQueryLength - 1);
        return text[..(cut > 0 ? cut : SearchLimits.MaxQueryLength)];
    }

    private static async Task<IReadOnlyList<string>> SearchBackendAsync(LocalIndexBackend backend, TenantRoute route, TenantPrincipal principal, string text, SearchMode mode, CancellationToken cancellationToken)
    {
        var ids = new List<string>(Depth);
        string? position = null;
        do
        {
            var page = await backend.SearchAsync(route, principal, new SearchQuery(text, PageSize, mode, RetrievalDocument.EmptyAttributes) { Position = position }, cancellationToken);
            ids.AddRange(page.Hits.Select(h => h.Id));
            position = page.NextPosition;
        }
        while (position is not null && ids.Count < Depth);
        return ids;
    }

    private static async Task<IReadOnlyList<string>> SearchToolAsync(McpClient client, string text, SearchMode mode, CancellationToken cancellationToken)
    {
        var ids = new List<string>(Depth);
        string? cursor = null;
        do
        {
            var arguments = new Dictionary<string, object?> { ["query"] = text, ["top_k"] = PageSize, ["mode"] = mode.ToString().ToLowerInvariant() };
            if (cursor is not null)
            {
                arguments["cursor"] = cursor;
            }

            var result = await client.CallToolAsync("search", arguments, cancellationToken: cancellationToken);
            if (result.IsError == true || result.StructuredContent is not { } content)
            {
                throw new InvalidOperationException("search tool failed: " + string.Join(' ', result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text)));
            }

            ids.AddRange(content.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!));
            cursor = content.TryGetProperty("next_cursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null && ids.Count < Depth);
        return ids;
    }

    private static async Task<IngestFigures> IngestAsync(BeirDataset dataset, string folder, IServiceProvider services, CancellationToken cancellationToken)
    {
        var marker = Path.Combine(folder, "ingest.json");
        if (File.Exists(marker))
        {
            var cached = JsonSerializer.Deserialize<IngestFigures>(await File.ReadAllTextAsync(marker, cancellationToken))!;
            Console.Error.WriteLine($"{dataset.Name}: index cached ({cached.Documents} documents, {cached.Chunks} chunks), ingestion skipped");
            return cached with { FromCache = true };
        }

        var backend = services.GetRequiredService<LocalIndexBackend>();
        var route = new TenantRoute(Tenant, LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = Tenant };
        var principal = TenantPrincipal.Operator(Tenant);
        var started = Stopwatch.GetTimestamp();
        var (documents, chunks) = (0, 0);
        foreach (var batch in dataset.ReadCorpus().Chunk(IngestBatch))
        {
            chunks += await backend.UpsertAsync(route, principal, batch, null, cancellationToken);
            documents += batch.Length;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.Error.Write($"\r{dataset.Name}: {documents} documents, {chunks} chunks, {documents / seconds:0} documents/s   ");
        }

        Console.Error.WriteLine();
        var figures = new IngestFigures(documents, chunks, Stopwatch.GetElapsedTime(started).TotalSeconds, FromCache: false);
        await File.WriteAllTextAsync(marker, JsonSerializer.Serialize(figures), cancellationToken);
        return figures;
    }
}

using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Quality;

/// <summary>Mean nDCG@10 and Recall@100 of one search mode over a collection's queries, with per-query latency.</summary>
internal sealed record ModeQuality(string Mode, double Ndcg10, double Recall100, Summary LatencyMs, int Queries)
{
    /// <summary>Each query's ranking (document ids), kept so two search paths can be compared query by query.</summary>
    /// <summary>SHA-256 over every query's ranking: two search paths that agree on every ranking have the same digest.</summary>
    public string RankingsDigest { get; init; } = string.Empty;

    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Rankings { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}

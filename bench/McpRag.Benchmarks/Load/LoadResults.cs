using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Load;

/// <summary>Everything the load test measured: sequential latency per target and transport, and throughput per concurrency.</summary>
internal sealed record LoadResults(
    IReadOnlyDictionary<string, Summary> HttpSequentialMs,
    IReadOnlyDictionary<string, Summary> StdioSequentialMs,
    IReadOnlyList<ConcurrencyResult> Concurrency,
    string? PeerVersion,
    int Documents,
    int Chunks);

using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Load;

/// <summary>Throughput (median of the repeated runs, and the spread) and per-call latency at one concurrency.</summary>
internal sealed record ConcurrencyResult(string Target, int Clients, Summary CallsPerSecond, Summary LatencyMs, int Calls);

using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// Throughput (median of the repeated runs, and the spread) and per-call latency at one concurrency, with the
/// server's CPU per call over the measured runs when its process is known, and the call numbers the runs used
/// (so the same queries can be encoded again for the model's ceiling).
/// </summary>
internal sealed record ConcurrencyResult(string Target, int Clients, Summary CallsPerSecond, Summary LatencyMs, int Calls)
{
    public double? ServerCpuMsPerCall { get; init; }

    public int FirstSequence { get; init; }

    public int LastSequence { get; init; }
}

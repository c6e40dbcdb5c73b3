using McpRag.Benchmarks.Encode;
using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// Everything the load test measured in one run: sequential latency per target and transport, throughput and
/// server CPU per call per concurrency, the model's batched encode ceiling on the queries the searches sent, and
/// the load average while it ran (the machine is shared).
/// </summary>
internal sealed record LoadResults(
    IReadOnlyDictionary<string, Summary> HttpSequentialMs,
    IReadOnlyDictionary<string, Summary> StdioSequentialMs,
    IReadOnlyList<ConcurrencyResult> Concurrency,
    string? PeerVersion,
    int Documents,
    int Chunks)
{
    public EncodeCeiling? Ceiling { get; init; }

    /// <summary>The 1-minute load average at the start and at the end of the run.</summary>
    public string? LoadAverage { get; init; }

    /// <summary>The server process's resident memory at the end of the HTTP phases.</summary>
    public double? ServerRssMb { get; init; }
}

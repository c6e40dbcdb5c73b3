using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Scale;

/// <summary>Search latency per mode and process memory at one index size.</summary>
internal sealed record ScalePoint(string Label, int Chunks, int Tenants, IReadOnlyDictionary<string, Summary> LatencyMs, double RssMb, double BuildSeconds)
{
    /// <summary>The query embedding alone (MiniLM, same queries), measured beside the searches: the floor of semantic and hybrid latency.</summary>
    public Summary? QueryEmbeddingMs { get; init; }
}

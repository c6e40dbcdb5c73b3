using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Scale;

/// <summary>Search latency per mode and process memory at one index size.</summary>
internal sealed record ScalePoint(string Label, int Chunks, int Tenants, IReadOnlyDictionary<string, Summary> LatencyMs, double RssMb, double BuildSeconds)
{
    /// <summary>The query embedding alone (MiniLM, same queries), measured beside the searches: the floor of semantic and hybrid latency.</summary>
    public Summary? QueryEmbeddingMs { get; init; }

    /// <summary>
    /// The part of <see cref="RssMb"/> that is pages of files mapped into the process (<c>RssFile</c> in
    /// <c>/proc/self/status</c>): the index files Lucene memory-maps, which the kernel can drop and read again, unlike
    /// the heap and the model's native memory.
    /// </summary>
    public double? RssFileMb { get; init; }
}

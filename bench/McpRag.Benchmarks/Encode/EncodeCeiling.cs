using System.Diagnostics;
using McpRag.Benchmarks.Reporting;
using McpRag.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace McpRag.Benchmarks.Encode;

/// <summary>
/// The model's own batched query-encode ceiling: the given queries encoded in batches by <paramref name="Callers"/>
/// callers with nothing else running (no search, no MCP, no scheduler), as queries per second and this process's
/// CPU per query. It is what the search modes that embed are divided by: a search can at best reach it.
/// </summary>
internal sealed record EncodeCeiling(int Queries, int Callers, int BatchSize, double QueriesPerSecond, double CpuMsPerQuery, Summary BatchMs)
{
    /// <summary>One query embedded alone by one caller (milliseconds), when measured beside the ceiling.</summary>
    public Summary? SingleQueryMs { get; init; }

    public static async Task<EncodeCeiling> MeasureAsync(IEmbeddingGenerator<string, Embedding<float>> model, IReadOnlyList<string> queries, int callers, int batchSize, CancellationToken cancellationToken)
    {
        var batches = queries.Chunk(batchSize).ToArray();
        var latencies = new double[batches.Length];
        var next = -1;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Length)
            {
                var t = Stopwatch.GetTimestamp();
                await model.GenerateAsync(batches[i], EmbeddingPurpose.Query(), cancellationToken);
                latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
        }, cancellationToken)));
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / queries.Count;
        return new EncodeCeiling(queries.Count, callers, batchSize, queries.Count / wall, cpuMs, Summary.Of(latencies));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using McpRag.Benchmarks.Reporting;
using McpRag.Benchmarks.Scale;
using McpRag.Retrieval.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpRag.Benchmarks.Encode;

/// <summary>
/// Query encodes alone (no search), under 1, 4 and 16 concurrent callers, for named ONNX Runtime settings and,
/// optionally, through the embedding scheduler's query batching: latency (p50/p99), queries per second and the
/// process's CPU per query. Every query text differs (drawn from the sample knowledge bases' words), and the
/// settings take turns per concurrency level so a noisy moment on a shared machine falls on all of them alike.
/// The last row is the batched ceiling: the same queries encoded in batches of 16 by one caller.
/// </summary>
internal sealed class EncoderBenchmark(BenchPaths paths, int queriesPerRun)
{
    public async Task<string> RunAsync(IReadOnlyList<(string Name, OnnxRuntimeOptions Runtime, int BatchWindowMicroseconds)> variants, IReadOnlyList<int> concurrency, CancellationToken cancellationToken)
    {
        var corpus = new SyntheticCorpus(Directory.EnumerateFiles(Path.Combine(paths.Root, "samples", "documents"), "*.md", SearchOption.AllDirectories).Select(File.ReadAllText));
        var queries = corpus.Queries(queriesPerRun * 4, seed: 11);
        var rows = new StringBuilder();
        rows.AppendLine("| settings | " + string.Join(" | ", concurrency.Select(c => $"{c} callers: q/s (p50 / p99 ms), CPU ms/q")) + " |");
        rows.AppendLine("|---|" + string.Join("", concurrency.Select(_ => "---:|")));
        var models = variants.Select(v => new MiniLmEmbeddingGenerator(v.Runtime)).ToList();
        var schedulers = variants.Select(v => new EmbeddingScheduler(Options.Create(new EmbeddingSchedulerOptions { QueryBatchWindowMicroseconds = v.BatchWindowMicroseconds }))).ToList();
        try
        {
            var cells = variants.Select(_ => new List<string>()).ToList();
            foreach (var model in models)
            {
                model.Warm();
                await model.GenerateAsync(queries.Take(32), EmbeddingPurpose.Query(), cancellationToken);
            }

            var offset = 0;
            foreach (var callers in concurrency)
            {
                for (var v = 0; v < variants.Count; v++)
                {
                    var generator = new ScheduledEmbeddingGenerator(models[v], schedulers[v]);
                    var slice = Enumerable.Range(0, queriesPerRun).Select(i => queries[(offset + i) % queries.Count]).ToArray();
                    offset += queriesPerRun;
                    cells[v].Add(await MeasureAsync(generator, slice, callers, cancellationToken));
                }
            }

            for (var v = 0; v < variants.Count; v++)
            {
                rows.AppendLine($"| {variants[v].Name} | " + string.Join(" | ", cells[v]) + " |");
            }

            var ceiling = await CeilingAsync(models[0], queries.Take(queriesPerRun).ToArray(), cancellationToken);
            rows.AppendLine($"| ceiling: {variants[0].Name}, batches of 16, one caller | {ceiling} |");
            return rows.ToString();
        }
        finally
        {
            models.ForEach(m => m.Dispose());
            schedulers.ForEach(s => s.Dispose());
        }
    }

    private static async Task<string> MeasureAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string[] queries, int callers, CancellationToken cancellationToken)
    {
        var latencies = new double[queries.Length];
        var next = -1;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < queries.Length)
            {
                var t = Stopwatch.GetTimestamp();
                await generator.GenerateAsync([queries[i]], EmbeddingPurpose.Query(), cancellationToken);
                latencies[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
        }, cancellationToken)));
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / queries.Length;
        var summary = Summary.Of(latencies);
        return string.Create(CultureInfo.InvariantCulture, $"{queries.Length / wall:N0} ({summary.Median:N2} / {summary.P99:N1}), {cpuMs:N2}");
    }

    private static async Task<string> CeilingAsync(MiniLmEmbeddingGenerator model, string[] queries, CancellationToken cancellationToken)
    {
        var ceiling = await EncodeCeiling.MeasureAsync(model, queries, callers: 1, batchSize: 16, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"{ceiling.QueriesPerSecond:N0} q/s, {ceiling.CpuMsPerQuery:N2} CPU ms/q");
    }
}

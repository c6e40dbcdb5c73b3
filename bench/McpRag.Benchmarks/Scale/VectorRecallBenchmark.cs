using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using McpRag.Benchmarks.Beir;
using McpRag.Benchmarks.Reporting;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;

namespace McpRag.Benchmarks.Scale;

/// <summary>
/// What the 8-bit in-memory vectors cost in recall: real MiniLM vectors of a BEIR collection's passages (title +
/// chunk, the product's chunking, embedded once and cached) and of its queries; for each query the exact top k by
/// float dot product against (a) the 8-bit codes alone and (b) the codes' shortlist of
/// <see cref="LocalVectorSearch.ShortlistSize"/> rescored at full precision, as the local backend searches.
/// Recall@k is the share of the exact top k found; scan time per query is in-process over all passages.
/// </summary>
internal sealed class VectorRecallBenchmark(BenchPaths paths, MiniLmEmbeddingGenerator model)
{
    public async Task<string> RunAsync(BeirDataset dataset, IReadOnlyList<int> depths, CancellationToken cancellationToken)
    {
        var passages = await PassageVectorsAsync(dataset, cancellationToken);
        var dimensions = passages[0].Length;
        var queries = await model.GenerateAsync(dataset.ReadQueries().Select(q => q.Text), EmbeddingPurpose.Query(), cancellationToken);
        var codes = new QuantizedVectors(passages.Count, dimensions);
        for (var i = 0; i < passages.Count; i++)
        {
            codes.Set(i, passages[i]);
        }

        var md = new StringBuilder();
        md.AppendLine(F($"{dataset.Name}: {passages.Count:N0} passages, {queries.Count} queries, {dimensions} dimensions; float copy {passages.Count * dimensions * 4 / 1048576.0:0.0} MB, 8-bit codes {codes.Bytes / 1048576.0:0.0} MB"));
        md.AppendLine();
        md.AppendLine("| k | shortlist | recall@k, codes alone | recall@k, shortlist rescored | exact scan ms/query (p50) | codes + rescoring ms/query (p50) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var k in depths)
        {
            var shortlist = LocalVectorSearch.ShortlistSize(k);
            double alone = 0, rescored = 0;
            var exactMs = new List<double>();
            var codesMs = new List<double>();
            foreach (var query in queries.Select(q => q.Vector.ToArray()))
            {
                var t = Stopwatch.GetTimestamp();
                var exact = Top(passages.Count, i => VectorMath.Dot(passages[i], query), k);
                exactMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                t = Stopwatch.GetTimestamp();
                var candidates = Top(passages.Count, i => codes.Dot(i, query), shortlist);
                var final = Top(candidates, i => VectorMath.Dot(passages[i], query), k);
                codesMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                var truth = exact.ToHashSet();
                alone += candidates.Take(k).Count(truth.Contains) / (double)k;
                rescored += final.Count(truth.Contains) / (double)k;
            }

            md.AppendLine(F($"| {k} | {shortlist} | {alone / queries.Count:0.0000} | {rescored / queries.Count:0.0000} | {Summary.Of(exactMs).Median:0.00} | {Summary.Of(codesMs).Median:0.00} |"));
        }

        return md.ToString();
    }

    /// <summary>Indexes 0..count-1 (or the given ones) ordered by score, best first, the best <paramref name="k"/> only.</summary>
    private static int[] Top(int count, Func<int, float> score, int k) => Top(Enumerable.Range(0, count).ToArray(), score, k);

    private static int[] Top(int[] items, Func<int, float> score, int k)
    {
        var heap = new PriorityQueue<int, float>(k + 1);
        foreach (var i in items)
        {
            var s = score(i);
            if (heap.Count < k)
            {
                heap.Enqueue(i, s);
            }
            else if (heap.TryPeek(out _, out var lowest) && s > lowest)
            {
                heap.DequeueEnqueue(i, s);
            }
        }

        var result = new int[heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            result[i] = heap.Dequeue();
        }

        return result;
    }

    /// <summary>The collection's passage vectors, embedded as the local backend embeds them, cached under the bench data folder.</summary>
    private async Task<List<float[]>> PassageVectorsAsync(BeirDataset dataset, CancellationToken cancellationToken)
    {
        var file = Path.Combine(paths.Data, "vector-recall", $"{dataset.Name}-{dataset.CorpusHash()}-{model.GetType().Name}.f32");
        if (File.Exists(file))
        {
            var floats = MemoryMarshal.Cast<byte, float>(await File.ReadAllBytesAsync(file, cancellationToken)).ToArray();
            return floats.Chunk(MiniLmEmbeddingGenerator.Dimensions).ToList();
        }

        var chunker = new TextChunker(new ChunkingOptions());
        var texts = dataset.ReadCorpus().SelectMany(d => chunker.Split(d.Text).Select(c => d.Title + "\n\n" + c)).ToList();
        Console.Error.WriteLine($"vector-recall: embedding {texts.Count:N0} passages of {dataset.Name} (cached afterwards)");
        var vectors = new List<float[]>(texts.Count);
        foreach (var batch in texts.Chunk(32))
        {
            vectors.AddRange((await model.GenerateAsync(batch, cancellationToken: cancellationToken)).Select(e => e.Vector.ToArray()));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, MemoryMarshal.AsBytes(vectors.SelectMany(v => v).ToArray().AsSpan()).ToArray(), cancellationToken);
        return vectors;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

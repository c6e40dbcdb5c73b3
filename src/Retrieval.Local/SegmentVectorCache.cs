using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Chunk embeddings live in the Lucene index itself (binary doc values), so a chunk and its vector are committed
/// together and can never disagree. For search they are quantized once per segment into 8-bit codes
/// (<see cref="QuantizedVectors"/>, a quarter of a float copy); segments are immutable, so the codes stay valid
/// until Lucene merges the segment away, when they are collected. Exact scores are read from the doc values
/// themselves, which the index's directory memory-maps, so full precision costs no heap.
/// </summary>
internal sealed class SegmentVectorCache(string field, int dimensions)
{
    private readonly ConditionalWeakTable<object, QuantizedVectors> _segments = new();

    public int Dimensions => dimensions;

    public QuantizedVectors Get(AtomicReader segment) =>
        _segments.GetValue(segment.CoreCacheKey, _ => Load(segment));

    /// <summary>A segment's full-precision vectors (the doc values themselves), for <see cref="ExactDot"/>; <c>null</c> when it has none.</summary>
    public BinaryDocValues? Exact(AtomicReader segment) => segment.GetBinaryDocValues(field);

    /// <summary>
    /// The full-precision dot product of <paramref name="doc"/> with <paramref name="query"/>, read from its segment's
    /// <paramref name="values"/> (<see cref="Exact"/>); 0 for a chunk without a vector, as its codes score.
    /// </summary>
    public float ExactDot(BinaryDocValues? values, int doc, ReadOnlySpan<float> query, BytesRef scratch)
    {
        if (values is null)
        {
            return 0;
        }

        values.Get(doc, scratch);
        return scratch.Length == Dimensions * sizeof(float)
            ? Retrieval.Embeddings.VectorMath.Dot(QuantizedVectors.AsFloats(scratch.Bytes.AsSpan(scratch.Offset, scratch.Length)), query)
            : 0;
    }

    private QuantizedVectors Load(AtomicReader segment)
    {
        var values = segment.GetBinaryDocValues(field);
        var vectors = new QuantizedVectors(segment.MaxDoc, Dimensions);
        if (values is null)
        {
            return vectors;
        }

        var bytes = new BytesRef();
        for (var doc = 0; doc < segment.MaxDoc; doc++)
        {
            values.Get(doc, bytes);
            if (bytes.Length == Dimensions * sizeof(float))
            {
                vectors.Set(doc, QuantizedVectors.AsFloats(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length)));
            }
        }

        return vectors;
    }

    public static BytesRef Encode(ReadOnlySpan<float> vector) => new(MemoryMarshal.AsBytes(vector).ToArray());
}

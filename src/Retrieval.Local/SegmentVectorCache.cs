using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Chunk embeddings live in the Lucene index itself (binary doc values), so a chunk and its vector are committed
/// together and can never disagree. For search they are copied once per segment into one contiguous float array;
/// segments are immutable, so the copy stays valid until Lucene merges the segment away, when it is collected.
/// </summary>
internal sealed class SegmentVectorCache(string field, int dimensions)
{
    private readonly ConditionalWeakTable<object, float[]> _segments = new();

    public int Dimensions => dimensions;

    public float[] Get(AtomicReader segment) =>
        _segments.GetValue(segment.CoreCacheKey, _ => Load(segment));

    private float[] Load(AtomicReader segment)
    {
        var values = segment.GetBinaryDocValues(field);
        var vectors = new float[segment.MaxDoc * Dimensions];
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
                var source = MemoryMarshal.Cast<byte, float>(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length));
                source.CopyTo(vectors.AsSpan(doc * Dimensions, Dimensions));
            }
        }

        return vectors;
    }

    public static BytesRef Encode(ReadOnlySpan<float> vector) => new(MemoryMarshal.AsBytes(vector).ToArray());
}

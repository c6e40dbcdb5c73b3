using System.Numerics;
using System.Runtime.InteropServices;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// One segment's chunk vectors in memory as 8-bit codes with one scale per vector (symmetric: the largest
/// component maps to ±127), a quarter of the float copy's size (388 instead of 1,536 bytes per 384-dimension
/// chunk). Scores from it only shortlist candidates; the shortlist is rescored with the full-precision vectors,
/// which stay in the index's binary doc values (memory-mapped, never copied). Per-vector scales suit normalised
/// sentence embeddings, whose components are small and spread evenly; the recall of quantized shortlist plus
/// rescoring against the exact scan is measured by the <c>vector-recall</c> benchmark.
/// </summary>
internal sealed class QuantizedVectors
{
    private readonly sbyte[] _codes;
    private readonly float[] _scales;

    public QuantizedVectors(int count, int dimensions)
    {
        Dimensions = dimensions;
        _codes = new sbyte[count * dimensions];
        _scales = new float[count];
    }

    public int Dimensions { get; }

    public int Count => _scales.Length;

    /// <summary>Bytes held: codes and scales.</summary>
    public long Bytes => _codes.LongLength + (_scales.LongLength * sizeof(float));

    /// <summary>Stores <paramref name="vector"/> as entry <paramref name="index"/>; a vector of zeros stays all zeros (scale 0).</summary>
    public void Set(int index, ReadOnlySpan<float> vector)
    {
        var max = 0f;
        foreach (var x in vector)
        {
            max = MathF.Max(max, MathF.Abs(x));
        }

        var codes = _codes.AsSpan(index * Dimensions, Dimensions);
        if (max == 0 || !float.IsFinite(max))
        {
            codes.Clear();
            _scales[index] = 0;
            return;
        }

        var inverse = 127f / max;
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127f, 127f);
        }

        _scales[index] = max / 127f;
    }

    /// <summary>The approximate dot product of entry <paramref name="index"/> with a float <paramref name="query"/>.</summary>
    public float Dot(int index, ReadOnlySpan<float> query) => _scales[index] * Dot(_codes.AsSpan(index * Dimensions, Dimensions), query);

    /// <summary>Σ codes[i] × query[i], widening the codes to floats a SIMD register at a time.</summary>
    internal static float Dot(ReadOnlySpan<sbyte> codes, ReadOnlySpan<float> query)
    {
        var i = 0;
        var sum = Vector<float>.Zero;
        var width = Vector<sbyte>.Count;
        var floats = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= codes.Length - width; i += width)
            {
                Vector.Widen(new Vector<sbyte>(codes[i..]), out var low, out var high);
                Vector.Widen(low, out var a, out var b);
                Vector.Widen(high, out var c, out var d);
                sum += Vector.ConvertToSingle(a) * new Vector<float>(query[i..]);
                sum += Vector.ConvertToSingle(b) * new Vector<float>(query[(i + floats)..]);
                sum += Vector.ConvertToSingle(c) * new Vector<float>(query[(i + (2 * floats))..]);
                sum += Vector.ConvertToSingle(d) * new Vector<float>(query[(i + (3 * floats))..]);
            }
        }

        var total = Vector.Sum(sum);
        for (; i < codes.Length; i++)
        {
            total += codes[i] * query[i];
        }

        return total;
    }

    /// <summary>Entry <paramref name="index"/> decoded back to floats (for tests and the recall benchmark).</summary>
    internal float[] Decode(int index)
    {
        var codes = _codes.AsSpan(index * Dimensions, Dimensions);
        var result = new float[Dimensions];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = codes[i] * _scales[index];
        }

        return result;
    }

    internal static ReadOnlySpan<float> AsFloats(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes);
}

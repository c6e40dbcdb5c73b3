using System.Numerics.Tensors;

namespace McpRag.Retrieval.Embeddings;

/// <summary>SIMD vector helpers over <see cref="TensorPrimitives"/>; embeddings are kept unit-length so a dot product is the cosine.</summary>
public static class VectorMath
{
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);
}

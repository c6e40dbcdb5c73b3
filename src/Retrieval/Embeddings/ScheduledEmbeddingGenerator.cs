using Microsoft.Extensions.AI;

namespace McpRag.Retrieval.Embeddings;

/// <summary>A model whose calls go through the server's <see cref="EmbeddingScheduler"/>; everything else is the model's own.</summary>
public sealed class ScheduledEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> model, EmbeddingScheduler scheduler) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        scheduler.GenerateAsync(model, values, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : model.GetService(serviceType, serviceKey);

    /// <summary>The model is a shared singleton with its own lifetime.</summary>
    public void Dispose()
    {
    }
}

using McpRag.Retrieval.Embeddings;
using Microsoft.Extensions.AI;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// Loads the configured in-process embedding model while the server starts, so the first semantic query does not
/// pay for it and <c>/readyz</c> turns healthy only once the model is in memory.
/// </summary>
internal sealed class EmbeddingWarmup(IEmbeddingGenerator<string, Embedding<float>> embeddings) : IHostedService
{
    /// <summary>Whether the model is in memory (a generator that is not in-process has nothing to load).</summary>
    public bool IsLoaded => embeddings.GetService<OnnxSentenceEmbeddingGenerator>() is not { } onnx || onnx.IsLoaded;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        embeddings.GetService<OnnxSentenceEmbeddingGenerator>()?.Warm();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

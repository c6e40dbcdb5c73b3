using McpRag.Retrieval.Embeddings;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// Loads the embedding model while the server starts, so the first semantic query does not pay for it and
/// <c>/readyz</c> turns healthy only once the model is in memory.
/// </summary>
public sealed class EmbeddingWarmup(MiniLmEmbeddingGenerator embeddings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        embeddings.Warm();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

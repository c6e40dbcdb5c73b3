namespace McpRag.Retrieval.Embeddings;

/// <summary>How much of the machine embedding may use (<c>McpRag:Embedding</c>); see <see cref="EmbeddingScheduler"/>.</summary>
public sealed class EmbeddingSchedulerOptions
{
    public const string Section = "McpRag:Embedding";

    /// <summary>Embedding batches run at once, queries and writes together.</summary>
    public int MaxConcurrent { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Write (passage) batches run at once, server-wide: however many tenants write, the rest of the slots stay free
    /// for queries. Must be less than <see cref="MaxConcurrent"/>.
    /// </summary>
    public int MaxConcurrentWrites { get; set; } = 1;
}

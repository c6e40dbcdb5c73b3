using McpRag.Retrieval.Ingest;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>Tuning of the embedded backend (<c>McpRag:Local</c>).</summary>
public sealed class LocalBackendOptions
{
    public const string Section = "McpRag:Local";

    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>Embedding model: <c>minilm</c> (default) or <c>arctic-xs</c>. An index records its model and refuses another.</summary>
    public string Model { get; set; } = Embeddings.EmbeddingModels.MiniLm;

    /// <summary>
    /// How hybrid search merges keyword and semantic rankings. Linear fusion at semantic weight 0.6 measured best
    /// on both Cranfield and CISI (docs/benchmarks.md), ahead of reciprocal rank fusion.
    /// </summary>
    public FusionMethod Fusion { get; set; } = FusionMethod.Linear;

    /// <summary>Weight of the semantic scores in <see cref="FusionMethod.Linear"/> fusion (0 = keyword only, 1 = semantic only).</summary>
    public double SemanticWeight { get; set; } = 0.6;

    /// <summary>Reciprocal-rank-fusion constant: larger values flatten the difference between top ranks.</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>Chunks taken from each of the keyword and semantic lists before fusion.</summary>
    public int Candidates { get; set; } = 100;

    /// <summary>How often, at most, a search checks whether another process has committed to the index.</summary>
    public TimeSpan ReopenInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a write waits for the index lock held by another writer (such as <c>mcprag ingest</c>).</summary>
    public TimeSpan WriteLockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Documents embedded and committed together during ingest; each batch is durable once written.</summary>
    public int BatchDocuments { get; set; } = 32;
}

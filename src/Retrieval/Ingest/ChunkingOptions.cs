namespace McpRag.Retrieval.Ingest;

/// <summary>Passage size for chunking; see <see cref="TextChunker"/> for why the defaults are what they are.</summary>
public sealed class ChunkingOptions
{
    public int ChunkWords { get; set; } = 180;

    public int OverlapWords { get; set; } = 30;
}

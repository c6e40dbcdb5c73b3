namespace McpRag.Retrieval.Ingest;

/// <summary>Passage size for chunking; see <see cref="TextChunker"/> for why the defaults are what they are.</summary>
public sealed class ChunkingOptions
{
    public int ChunkWords { get; set; } = 180;

    public int OverlapWords { get; set; } = 30;

    /// <summary>
    /// Longest passage in characters, whatever its word count: text without spaces (a long identifier, base64, CJK)
    /// still ends up in passages the model reads whole and snippets stay short. 180 English words are about 1,100 characters.
    /// </summary>
    public int MaxChunkChars { get; set; } = 2_000;
}

using System.ComponentModel.DataAnnotations;
using McpRag.Retrieval.Settings;

namespace McpRag.Retrieval.Ingest;

/// <summary>Passage size for chunking; see <see cref="TextChunker"/> for why the defaults are what they are.</summary>
public sealed class ChunkingOptions : IValidatableObject
{
    [SettingRange(20, 1_000, ErrorMessage = "McpRag:Local:Chunking:ChunkWords must be between 20 and 1000")]
    public int ChunkWords { get; set; } = 180;

    public int OverlapWords { get; set; } = 30;

    /// <summary>
    /// Longest passage in characters, whatever its word count: text without spaces (a long identifier, base64, CJK)
    /// still ends up in passages the model reads whole and snippets stay short. 180 English words are about 1,100 characters.
    /// </summary>
    [SettingRange(200, 20_000, ErrorMessage = "McpRag:Local:Chunking:MaxChunkChars must be between 200 and 20000")]
    public int MaxChunkChars { get; set; } = 2_000;

    /// <summary>The overlap must leave each passage something new.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OverlapWords < 0 || OverlapWords >= ChunkWords)
        {
            yield return new ValidationResult("McpRag:Local:Chunking:OverlapWords must be at least 0 and less than ChunkWords");
        }
    }
}

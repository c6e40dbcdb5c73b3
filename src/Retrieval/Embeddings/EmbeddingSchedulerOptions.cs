using System.ComponentModel.DataAnnotations;
using McpRag.Retrieval.Settings;

namespace McpRag.Retrieval.Embeddings;

/// <summary>How much of the machine embedding may use (<c>McpRag:Embedding</c>); see <see cref="EmbeddingScheduler"/>.</summary>
public sealed class EmbeddingSchedulerOptions : IValidatableObject
{
    public const string Section = "McpRag:Embedding";

    /// <summary>Embedding batches run at once, queries and writes together.</summary>
    [SettingRange(2, 256, ErrorMessage = "McpRag:Embedding:MaxConcurrent must be between 2 and 256")]
    public int MaxConcurrent { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Write (passage) batches run at once, server-wide: however many tenants write, the rest of the slots stay free
    /// for queries. Must be less than <see cref="MaxConcurrent"/>.
    /// </summary>
    public int MaxConcurrentWrites { get; set; } = 1;

    /// <summary>Writes must leave at least one slot to queries.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxConcurrentWrites < 1 || MaxConcurrentWrites >= MaxConcurrent)
        {
            yield return new ValidationResult("McpRag:Embedding:MaxConcurrentWrites must be at least 1 and less than MaxConcurrent");
        }
    }
}

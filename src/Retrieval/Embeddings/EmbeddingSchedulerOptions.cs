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

    /// <summary>
    /// Query batching: while another query is being encoded, a query waits up to this long (microseconds) for
    /// others to join it, and they are encoded together in one model run (one run of 8 short queries costs far less
    /// than 8 runs). A query that arrives when no other query is being encoded never waits. 0 turns batching off.
    /// </summary>
    [SettingRange(0, 50_000, ErrorMessage = "McpRag:Embedding:QueryBatchWindowMicroseconds must be between 0 (off) and 50000")]
    public int QueryBatchWindowMicroseconds { get; set; } = 1_000;

    /// <summary>The most queries encoded in one run; a full batch starts at once.</summary>
    [SettingRange(1, 256, ErrorMessage = "McpRag:Embedding:QueryBatchMaxSize must be between 1 and 256")]
    public int QueryBatchMaxSize { get; set; } = 16;

    /// <summary>Writes must leave at least one slot to queries.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxConcurrentWrites < 1 || MaxConcurrentWrites >= MaxConcurrent)
        {
            yield return new ValidationResult("McpRag:Embedding:MaxConcurrentWrites must be at least 1 and less than MaxConcurrent");
        }
    }
}

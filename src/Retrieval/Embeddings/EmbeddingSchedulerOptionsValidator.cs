using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// Start-up check of <c>McpRag:Embedding</c>, generated from the attributes and rules on <see cref="EmbeddingSchedulerOptions"/> (no reflection
/// at run time); each failure is the one-line reason that names the setting.
/// </summary>
[OptionsValidator]
public sealed partial class EmbeddingSchedulerOptionsValidator : IValidateOptions<EmbeddingSchedulerOptions>
{
}

using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// Start-up check of <c>McpRag:Bedrock</c>, generated from the attributes and rules on <see cref="BedrockOptions"/> (no reflection
/// at run time); each failure is the one-line reason that names the setting.
/// </summary>
[OptionsValidator]
public sealed partial class BedrockOptionsValidator : IValidateOptions<BedrockOptions>
{
}

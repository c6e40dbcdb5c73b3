using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Embeddings;

/// <summary>Start-up check of <c>McpRag:Embedding:OnnxRuntime</c>, generated from the attributes on <see cref="OnnxRuntimeOptions"/>.</summary>
[OptionsValidator]
public sealed partial class OnnxRuntimeOptionsValidator : IValidateOptions<OnnxRuntimeOptions>
{
}

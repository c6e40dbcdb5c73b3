using Microsoft.Extensions.AI;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// Tells an embedding generator that its input is a search query rather than a passage. Asymmetric retrieval
/// models (Snowflake arctic-embed) were trained with an instruction prefix on queries only, and lose accuracy
/// without it; symmetric models (MiniLM) ignore the hint.
/// </summary>
public static class EmbeddingPurpose
{
    public const string OptionKey = "mcprag.input_type";
    public const string QueryValue = "query";

    /// <summary>Options marking the input as queries; a new instance each time, since options are mutable.</summary>
    public static EmbeddingGenerationOptions Query() => new() { AdditionalProperties = new() { [OptionKey] = QueryValue } };

    public static bool IsQuery(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(OptionKey, out var value) && value as string == QueryValue;
}

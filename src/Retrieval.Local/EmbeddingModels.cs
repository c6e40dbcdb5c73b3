namespace McpRag.Retrieval.Embeddings;

/// <summary>The embedding models the local backend can be configured with (<c>McpRag:Local:Model</c>).</summary>
public static class EmbeddingModels
{
    public const string MiniLm = "minilm";
    public const string ArcticXs = "arctic-xs";

    public static IReadOnlyList<string> Names { get; } = [MiniLm, ArcticXs];

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name, StringComparer.Ordinal);
}

namespace McpRag.Retrieval.Search;

/// <summary>
/// A whole document as stored for a tenant: what <c>fetch</c> returns and what ingest and <c>upsert_document</c> write.
/// </summary>
public sealed record RetrievalDocument(string Id, string Title, string Text)
{
    public string? Url { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; } = EmptyAttributes;

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> EmptyAttributes { get; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
}

namespace McpRag.Retrieval.Search;

/// <summary>One result: a document of the caller's tenant, with the passage that matched.</summary>
public sealed record SearchHit(string Id, string Title, string? Url, string Snippet, double Score, IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes)
{
    /// <summary>The route source the hit came from (its name also prefixes <see cref="Id"/>); <c>null</c> on a single-backend route.</summary>
    public string? Source { get; init; }

    /// <summary>Whether <see cref="Snippet"/> shows less than the passage it comes from.</summary>
    public bool SnippetTruncated { get; init; }
}

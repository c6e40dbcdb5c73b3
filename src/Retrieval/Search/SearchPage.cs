namespace McpRag.Retrieval.Search;

/// <summary>A page of hits and the backend's position of the next page, if there is one.</summary>
public sealed record SearchPage(IReadOnlyList<SearchHit> Hits, string? NextPosition);

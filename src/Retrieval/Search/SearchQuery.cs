namespace McpRag.Retrieval.Search;

/// <summary>
/// A validated search request as backends see it. <see cref="Position"/> is the backend's own paging token
/// (an offset, OpenSearch <c>search_after</c> values, a Q index <c>nextToken</c>); the tool layer wraps it in a
/// cursor bound to tenant and query, so backends never have to authenticate it.
/// </summary>
public sealed record SearchQuery(string Text, int TopK, SearchMode Mode, IReadOnlyDictionary<string, IReadOnlyList<string>> Filters)
{
    public string? Position { get; init; }
}

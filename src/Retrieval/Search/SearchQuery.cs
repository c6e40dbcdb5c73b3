using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Search;

/// <summary>
/// A validated search request as backends see it. <see cref="Position"/> is the backend's own paging token
/// (an offset, OpenSearch <c>search_after</c> values, a Q index <c>nextToken</c>); the tool layer wraps it in a
/// cursor bound to tenant and query, so backends never have to authenticate it.
/// </summary>
/// <remarks>
/// <see cref="Filters"/> is the equality shorthand (attribute → any of its values); <see cref="Filter"/> is the typed
/// filter tree the <c>search</c> tool parses. Backends read both through <see cref="Criteria"/>, one tree.
/// </remarks>
public sealed record SearchQuery(string Text, int TopK, SearchMode Mode, IReadOnlyDictionary<string, IReadOnlyList<string>> Filters)
{
    public string? Position { get; init; }

    /// <summary>About how many characters each hit's snippet may hold (<see cref="SnippetText.MinLength"/>-<see cref="SnippetText.MaxLength"/>).</summary>
    public int SnippetChars { get; init; } = SnippetText.Length;

    /// <summary>The typed filter; <c>null</c> for none.</summary>
    public SearchFilter? Filter { get; init; }

    /// <summary>Everything the search must match besides the tenant: the shorthand filters AND the typed filter.</summary>
    public SearchFilter? Criteria()
    {
        var shorthand = SearchFilter.FromAttributes(Filters);
        return shorthand is null ? Filter
            : Filter is null ? shorthand
            : new FilterGroup(FilterJoin.All, [shorthand, Filter]);
    }
}

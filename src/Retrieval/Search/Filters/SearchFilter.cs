namespace McpRag.Retrieval.Search.Filters;

/// <summary>
/// A parsed, typed filter of the <c>search</c> tool: a small tree of groups (<see cref="FilterGroup"/>), negations
/// (<see cref="FilterNot"/>) and attribute conditions (<see cref="FilterEquals"/>, <see cref="FilterExists"/>,
/// <see cref="FilterRange"/>). Backends map it to their own query language; the tenant clause always stays outside
/// it as a separate must, so no filter can widen the tenant's scope. Values are canonical strings (numbers in
/// invariant culture, dates as UTC ISO-8601), so the tree has one text form (<see cref="Canonical"/>) for cursors.
/// </summary>
public abstract record SearchFilter
{
    /// <summary>A stable text of the whole tree: equal filters give equal text, used to bind cursors to a search.</summary>
    public abstract string Canonical { get; }

    /// <summary>All of <paramref name="filters"/> (null when there are none, the one filter itself when there is one).</summary>
    public static SearchFilter? All(IReadOnlyList<SearchFilter> filters) => filters.Count switch
    {
        0 => null,
        1 => filters[0],
        _ => new FilterGroup(FilterJoin.All, filters),
    };

    /// <summary>The equality shorthand (attribute → any of its values, every attribute must match) as a filter.</summary>
    public static SearchFilter? FromAttributes(IReadOnlyDictionary<string, IReadOnlyList<string>> attributes) =>
        All(attributes.OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => (SearchFilter)new FilterEquals(a.Key, AttributeType.Keyword, a.Value)).ToList());
}

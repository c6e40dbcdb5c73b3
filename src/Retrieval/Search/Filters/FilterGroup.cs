namespace McpRag.Retrieval.Search.Filters;

/// <summary><c>$and</c> / <c>$or</c> of two or more filters.</summary>
public sealed record FilterGroup(FilterJoin Join, IReadOnlyList<SearchFilter> Members) : SearchFilter
{
    public override string Canonical =>
        (Join == FilterJoin.All ? "and(" : "or(") + string.Join(",", Members.Select(m => m.Canonical)) + ")";
}

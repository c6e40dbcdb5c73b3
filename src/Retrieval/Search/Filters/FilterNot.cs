namespace McpRag.Retrieval.Search.Filters;

/// <summary><c>$not</c>: documents of the tenant that the inner filter does not match.</summary>
public sealed record FilterNot(SearchFilter Inner) : SearchFilter
{
    public override string Canonical => "not(" + Inner.Canonical + ")";
}

namespace McpRag.Retrieval.Search.Filters;

/// <summary>How a <see cref="FilterGroup"/> joins its members.</summary>
public enum FilterJoin
{
    /// <summary>Every member must match (<c>$and</c>).</summary>
    All,

    /// <summary>At least one member must match (<c>$or</c>).</summary>
    Any,
}

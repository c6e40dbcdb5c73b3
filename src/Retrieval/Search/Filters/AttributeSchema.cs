namespace McpRag.Retrieval.Search.Filters;

/// <summary>
/// One declared filterable attribute of a tenant: its type and, for a small enumeration, the values it may take.
/// Declared once in the routing table and shown in that tenant's <c>search</c> input schema, so an agent can filter
/// without guessing names or values.
/// </summary>
public sealed record AttributeSchema(AttributeType Type, IReadOnlyList<string>? Values = null)
{
    /// <summary>Most values an enumeration may list; a longer list is not an enumeration an agent should read.</summary>
    public const int MaxValues = 32;

    /// <summary>Most attributes one tenant may declare.</summary>
    public const int MaxAttributes = 64;

    /// <summary>An attribute nobody declared: a keyword, as every attribute was before schemas existed.</summary>
    public static readonly AttributeSchema Undeclared = new(AttributeType.Keyword);

    public static readonly IReadOnlyDictionary<string, AttributeSchema> None = new Dictionary<string, AttributeSchema>(StringComparer.Ordinal);
}

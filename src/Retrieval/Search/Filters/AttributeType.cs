namespace McpRag.Retrieval.Search.Filters;

/// <summary>
/// The value type of a filterable attribute, declared per tenant in the routing table. It decides which operators a
/// filter may use on the attribute (ranges only on numbers and dates) and how each backend encodes its values.
/// </summary>
public enum AttributeType
{
    /// <summary>Exact strings: equality, any-of and existence. Undeclared attributes are keywords.</summary>
    Keyword,

    /// <summary>Numbers: equality and ranges.</summary>
    Number,

    /// <summary>ISO-8601 dates or date-times (UTC when no offset is given): equality and ranges.</summary>
    Date,
}

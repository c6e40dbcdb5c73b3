namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// The Q Business value type of a document attribute a caller may filter on. Tool filters arrive as strings;
/// the route says which attributes are numbers, dates or string lists so the filter carries the type the index
/// stores (an <c>equalsTo</c> with a <c>stringValue</c> never matches a <c>longValue</c> attribute).
/// </summary>
public enum QIndexAttributeType
{
    String,
    StringList,
    Long,
    Date,
}

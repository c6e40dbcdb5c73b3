using System.Text.Json.Nodes;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Body of Q Business <c>SearchRelevantContent</c> (restJson1; the application id travels in the path). The filter
/// is kept as JSON because <c>AttributeFilter</c> is a recursive structure whose values are a typed union.
/// </summary>
public sealed record SearchRelevantContentRequest(string QueryText, ContentSource ContentSource)
{
    public JsonObject? AttributeFilter { get; init; }

    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }
}

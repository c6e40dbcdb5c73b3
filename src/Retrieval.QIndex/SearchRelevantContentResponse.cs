namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>Answer of <c>SearchRelevantContent</c>: passages in the service's own ranking, and the next page's token.</summary>
public sealed record SearchRelevantContentResponse(IReadOnlyList<RelevantContent>? RelevantContent, string? NextToken);

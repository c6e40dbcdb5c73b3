namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>One passage the caller may see, with the document it comes from.</summary>
public sealed record RelevantContent(
    string? Content,
    string? DocumentId,
    string? DocumentTitle,
    string? DocumentUri,
    IReadOnlyList<QDocumentAttribute>? DocumentAttributes,
    ScoreAttributes? ScoreAttributes);

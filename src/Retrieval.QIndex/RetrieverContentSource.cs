namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>The <c>retriever</c> member of <see cref="ContentSource"/>.</summary>
public sealed record RetrieverContentSource(string RetrieverId);

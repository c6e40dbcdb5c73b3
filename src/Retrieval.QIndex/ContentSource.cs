namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>The <c>ContentSource</c> union; a data accessor searches through one retriever of the customer's application.</summary>
public sealed record ContentSource(RetrieverContentSource Retriever);

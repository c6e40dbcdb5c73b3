namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>The outcome of one bulk action, as the <c>items</c> array of the bulk response reports it.</summary>
public sealed record OpenSearchBulkItem(string Action, string Id, int Status, string? Result, string? ErrorType, string? ErrorReason)
{
    public bool Succeeded => Status is >= 200 and < 300;
}

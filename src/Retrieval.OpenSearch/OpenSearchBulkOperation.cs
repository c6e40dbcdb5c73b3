using System.Text.Json.Nodes;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>One bulk action: <c>index</c> with a source document, or <c>delete</c>.</summary>
public sealed record OpenSearchBulkOperation(string Action, string Id, JsonObject? Source)
{
    public static OpenSearchBulkOperation Index(string id, JsonObject source) => new("index", id, source);

    public static OpenSearchBulkOperation Delete(string id) => new("delete", id, null);
}

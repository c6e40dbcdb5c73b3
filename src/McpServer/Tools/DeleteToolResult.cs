using System.Text.Json.Serialization;

namespace McpRag.McpServer.Tools;

/// <summary>Structured result of <c>delete_document</c>.</summary>
internal sealed record DeleteToolResult(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("deleted")] bool Deleted,
    [property: JsonPropertyName("tenant")] string Tenant);

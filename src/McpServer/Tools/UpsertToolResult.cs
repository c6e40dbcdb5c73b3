using System.ComponentModel;
using System.Text.Json.Serialization;

namespace McpRag.McpServer.Tools;

/// <summary>Structured result of <c>upsert_document</c>.</summary>
internal sealed record UpsertToolResult(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("chunks"), Description("Passages indexed; 0 when the document was already stored unchanged.")] int Chunks,
    [property: JsonPropertyName("tenant")] string Tenant);

using System.ComponentModel;
using System.Text.Json.Serialization;

namespace McpRag.McpServer.Tools;

/// <summary>Structured result of <c>fetch</c>.</summary>
public sealed record FetchToolResult(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url"), Description("Where the document lives: its own URL, or its mcprag://documents/{id} resource URI when it has none.")] string Url,
    [property: JsonPropertyName("text"), Description("The whole document text.")] string Text,
    [property: JsonPropertyName("attributes")] IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes);

using System.ComponentModel;
using System.Text.Json.Serialization;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Structured result of <c>fetch</c>: one window of the document's text, so a long document never arrives as one
/// result larger than an agent's context can take.
/// </summary>
internal sealed record FetchToolResult(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url"), Description("Where the document lives: its own URL, or its mcprag://documents/{id} resource URI when it has none.")] string Url,
    [property: JsonPropertyName("text"), Description("The document text from 'offset', at most 'max_chars' characters.")] string Text,
    [property: JsonPropertyName("attributes")] IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes,
    [property: JsonPropertyName("offset"), Description("Where 'text' starts in the whole document, in characters.")] int Offset,
    [property: JsonPropertyName("total_chars"), Description("Length of the whole document text, in characters.")] int TotalChars,
    [property: JsonPropertyName("truncated"), Description("True when the document goes on after 'text'.")] bool Truncated,
    [property: JsonPropertyName("next_offset"), Description("Pass as 'offset' to read on; null when 'text' reaches the end.")] int? NextOffset);

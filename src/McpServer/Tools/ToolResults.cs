using System.Text.Encodings.Web;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Builds successful tool results: structured content matching the declared output schema, and a text block holding
/// the same object serialized as compact JSON (the MCP specification's SHOULD for backwards compatibility, and what the
/// search/fetch connector convention reads), optionally followed by extra content blocks such as resource links.
/// </summary>
internal static class ToolResults
{
    /// <summary>
    /// The text block is read by models, not embedded in HTML: quotes, apostrophes and non-ASCII text stay as they
    /// are instead of <c>\uXXXX</c> escapes, which keeps it compact and legible.
    /// </summary>
    private static readonly JsonSerializerOptions TextJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static CallToolResult Structured<T>(T value, IEnumerable<ContentBlock>? extra = null)
    {
        var structured = JsonSerializer.SerializeToElement(value);
        List<ContentBlock> content = [new TextContentBlock { Text = JsonSerializer.Serialize(structured, TextJson) }];
        if (extra is not null)
        {
            content.AddRange(extra);
        }

        return new CallToolResult { Content = content, StructuredContent = structured };
    }
}

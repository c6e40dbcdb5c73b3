using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tools;

/// <summary>Builds tool results: structured content matching the declared output schema, plus a readable text block.</summary>
public static class ToolResults
{
    public static CallToolResult Structured<T>(T value, string text) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        StructuredContent = JsonSerializer.SerializeToElement(value),
    };
}

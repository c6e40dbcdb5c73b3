using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tests.Infrastructure;

internal static class ToolResultExtensions
{
    public static string Text(this CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>The structured content of a successful call; fails the test with the error text otherwise.</summary>
    public static JsonElement Ok(this CallToolResult result)
    {
        Assert.True(result.IsError != true, "tool call failed: " + result.Text());
        return result.StructuredContent ?? throw new Xunit.Sdk.XunitException("no structuredContent");
    }

    /// <summary>The error code of a failed call (the text before the colon).</summary>
    public static string ErrorCode(this CallToolResult result)
    {
        Assert.True(result.IsError == true, "expected a tool error, got: " + result.Text());
        var code = result.StructuredContent!.Value.GetProperty("error").GetProperty("code").GetString()!;
        Assert.StartsWith(code + ": ", result.Text(), StringComparison.Ordinal);
        return code;
    }

    public static IReadOnlyList<JsonElement> Hits(this CallToolResult result) =>
        result.Ok().GetProperty("results").EnumerateArray().ToList();
}

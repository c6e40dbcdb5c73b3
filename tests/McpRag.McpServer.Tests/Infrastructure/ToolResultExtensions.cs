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

    /// <summary>
    /// The error code of a failed call: the text before the colon of its one text block. An error result carries no
    /// structured content (it would not match the tool's output schema, and strict clients reject that).
    /// </summary>
    public static string ErrorCode(this CallToolResult result)
    {
        Assert.True(result.IsError == true, "expected a tool error, got: " + result.Text());
        Assert.Null(result.StructuredContent);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        Assert.True(colon > 0, "error text is not 'code: reason': " + text);
        return text[..colon];
    }

    /// <summary>The <c>retry_after_seconds</c> a throttled call's text names, if any.</summary>
    public static int? RetryAfterSeconds(this CallToolResult result)
    {
        var match = System.Text.RegularExpressions.Regex.Match(result.Text(), @"\(retry_after_seconds=(\d+)\)$");
        return result.IsError == true && match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    public static IReadOnlyList<JsonElement> Hits(this CallToolResult result) =>
        result.Ok().GetProperty("results").EnumerateArray().ToList();
}

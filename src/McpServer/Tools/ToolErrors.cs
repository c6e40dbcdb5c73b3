using System.Globalization;
using McpRag.McpServer.Pipeline;
using McpRag.Retrieval.Search;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Tool errors in one shape: <c>isError: true</c> and one text block <c>"code: reason"</c> (plus
/// <c>" (retry_after_seconds=N)"</c> when throttled). An error result carries no <c>structuredContent</c>: clients
/// such as the official TypeScript SDK validate structured content against the tool's (success) output schema even
/// on errors and throw instead of showing the error to the agent, while every client reads the text. Only
/// <see cref="RetrievalException"/> messages reach the caller; they are written to be safe to show.
/// </summary>
internal static class ToolErrors
{
    public static CallToolResult From(RetrievalException error) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = TextOf(error) }],
    };

    /// <summary>The one-line error text: <c>code: reason</c>, and the retry delay in whole seconds when there is one.</summary>
    public static string TextOf(RetrievalException error)
    {
        var text = $"{ErrorCodes.Of(error.Code).Code}: {error.Message}";
        return error.RetryAfter is { } retry
            ? text + string.Create(CultureInfo.InvariantCulture, $" (retry_after_seconds={RetryAfterSeconds(retry)})")
            : text;
    }

    /// <summary>A retry delay as callers see it: whole seconds, at least one.</summary>
    public static int RetryAfterSeconds(TimeSpan retry) => Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
}

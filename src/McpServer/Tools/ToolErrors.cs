using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Tool errors in one shape: <c>isError: true</c>, a text block <c>"code: reason"</c> and the same in
/// <c>structuredContent.error</c> for agents that parse. Only <see cref="RetrievalException"/> messages reach the
/// caller; they are written to be safe to show.
/// </summary>
public static class ToolErrors
{
    public static string CodeOf(RetrievalErrorCode code) => code switch
    {
        RetrievalErrorCode.InvalidArgument => "invalid_argument",
        RetrievalErrorCode.Unauthenticated => "unauthenticated",
        RetrievalErrorCode.Forbidden => "forbidden",
        RetrievalErrorCode.NotFound => "not_found",
        RetrievalErrorCode.TenantNotProvisioned => "tenant_not_provisioned",
        RetrievalErrorCode.Throttled => "throttled",
        RetrievalErrorCode.BackendUnavailable => "backend_unavailable",
        _ => "backend_error",
    };

    public static CallToolResult From(RetrievalException error)
    {
        var code = CodeOf(error.Code);
        var text = $"{code}: {error.Message}";
        var body = new JsonObject { ["code"] = code, ["message"] = error.Message };
        if (error.RetryAfter is { } retry)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
            body["retry_after_seconds"] = seconds;
            text += string.Create(CultureInfo.InvariantCulture, $" (retry_after_seconds={seconds})");
        }

        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = text }],
            StructuredContent = JsonSerializer.SerializeToElement(new JsonObject { ["error"] = body }),
        };
    }
}

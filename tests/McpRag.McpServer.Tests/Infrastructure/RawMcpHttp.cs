using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// Plain HTTP requests to the MCP endpoint, for tests that need to see status codes and raw bodies or send bytes no
/// MCP client would. Responses are read as JSON-RPC messages whether the server answered with JSON or an SSE stream.
/// </summary>
internal static class RawMcpHttp
{
    public static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}""";

    public static Task<HttpResponseMessage> PostAsync(Uri endpoint, string body, string? token, Action<HttpRequestMessage>? configure = null) =>
        PostAsync(endpoint, Encoding.UTF8.GetBytes(body), token, configure);

    public static async Task<HttpResponseMessage> PostAsync(Uri endpoint, byte[] body, string? token, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        configure?.Invoke(request);
        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The JSON-RPC messages of a response body: one JSON value, or the <c>data:</c> lines of an SSE stream.</summary>
    public static IReadOnlyList<JsonElement> Messages(string body, string? mediaType)
    {
        if (mediaType == "text/event-stream")
        {
            return body.Split('\n')
                .Where(l => l.StartsWith("data:", StringComparison.Ordinal))
                .Select(l => JsonDocument.Parse(l["data:".Length..].Trim()).RootElement.Clone())
                .ToList();
        }

        return body.Length == 0 ? [] : [JsonDocument.Parse(body).RootElement.Clone()];
    }

    /// <summary>Fails unless <paramref name="message"/> is a JSON-RPC 2.0 response: a result or an error with an integer code.</summary>
    public static void AssertJsonRpcResponse(JsonElement message)
    {
        Assert.Equal(JsonValueKind.Object, message.ValueKind);
        Assert.Equal("2.0", message.GetProperty("jsonrpc").GetString());
        var hasResult = message.TryGetProperty("result", out _);
        var hasError = message.TryGetProperty("error", out var error);
        Assert.True(hasResult ^ hasError, "a response has exactly one of result and error: " + message);
        if (hasError)
        {
            Assert.True(error.GetProperty("code").TryGetInt32(out _), "error.code must be an integer: " + message);
            Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        }
    }
}

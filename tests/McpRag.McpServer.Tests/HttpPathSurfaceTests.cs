using System.Net;
using System.Net.Http.Headers;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Every path and method the HTTP server can be asked, with and without a token: nothing answers 5xx. Paths the
/// server does not serve answer 404, served paths answer 405 to methods they do not take, and no MCP stage runs
/// outside <c>/mcp</c>.
/// </summary>
public sealed class HttpPathSurfaceTests(SampleDeployment deployment)
{
    public static readonly TheoryData<string> Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] Paths =
    [
        "/", "/healthz", "/readyz", "/favicon.ico", "/mcp", "/mcp/", "/mcp/extra", "/MCP", "/mcpx", "/api/v1/search",
        "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-authorization-server",
        "/healthz/extra", "/%2e%2e/mcp", "/index.html",
        // The development authorization server's endpoints (served in --dev, as the deployment runs).
        "/connect/authorize", "/connect/token", "/connect/register", "/connect/extra",
    ];

    /// <summary>
    /// Paths no feature of the server serves: they must be 404 (or 405), never handed to an MCP stage. (The
    /// authorization-server metadata is served by the development authorization server in --dev.)
    /// </summary>
    private static readonly string[] Unserved = ["/", "/favicon.ico", "/mcpx", "/api/v1/search", "/healthz/extra", "/index.html"];

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task AnyPath_AnyMethodWithOrWithoutToken_NeverAnswers5xx(string method)
    {
        var failures = new List<string>();
        foreach (var path in Paths)
        {
            foreach (var token in new[] { deployment.Tokens.Valid("tenant-a"), null })
            {
                using var response = await SendAsync(method, path, token);
                var status = (int)response.StatusCode;
                if (status >= 500)
                {
                    failures.Add($"{method} {path} ({(token is null ? "no token" : "token")}) → {status}");
                }
                else if (Unserved.Contains(path) && response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed))
                {
                    failures.Add($"{method} {path} ({(token is null ? "no token" : "token")}) → {status}, expected 404/405");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpoint_PostWithToken_Returns405(string path)
    {
        using var response = await SendAsync("POST", path, deployment.Tokens.Valid("tenant-a"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpoint_Get_Returns200(string path)
    {
        using var response = await SendAsync("GET", path, token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(deployment.BaseAddress, path));
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent(RawMcpHttp.Initialize, System.Text.Encoding.UTF8, "application/json");
        }

        return await RawMcpHttp.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }
}

using System.Net;
using System.Text;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The HTTP transport's own defences, seen as a browser or a hostile client sees them: DNS-rebinding protection
/// (Origin and Host), the token-in-query rule, body size and JSON nesting limits. Every refusal is a 4xx with a
/// JSON-RPC error body that leaks nothing.
/// </summary>
public sealed class HttpHardeningTests(SampleDeployment deployment)
{
    private string Token => deployment.Tokens.Valid("tenant-a");

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("https://attacker.example:8443")]
    [InlineData("null")]
    [InlineData("http://localhost.evil.example")]
    public async Task Post_BrowserOriginNotAllowed_Returns403(string origin)
    {
        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, RawMcpHttp.Initialize, Token, r => r.Headers.Add("Origin", origin));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertJsonRpcErrorAsync(response);
    }

    [Fact]
    public async Task Post_BrowserOriginNotAllowedAndNoToken_Returns403BeforeAuthentication()
    {
        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, RawMcpHttp.Initialize, token: null, r => r.Headers.Add("Origin", "http://evil.example"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData("http://localhost:6274")]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://[::1]:3000")]
    public async Task Post_LoopbackOriginOnLoopbackServer_IsServed(string origin)
    {
        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, RawMcpHttp.Initialize, Token, r => r.Headers.Add("Origin", origin));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:80")]
    [InlineData("rebind.attacker.example:5000")]
    public async Task Post_NonLoopbackHostOnLoopbackServer_Returns403(string host)
    {
        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, RawMcpHttp.Initialize, Token, r => r.Headers.Host = host);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertJsonRpcErrorAsync(response);
    }

    [Fact]
    public async Task Post_LocalhostHost_IsServed()
    {
        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, RawMcpHttp.Initialize, Token, r => r.Headers.Host = "localhost:" + deployment.McpEndpoint.Port);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_TokenInQueryStringBesideHeader_Returns400()
    {
        var endpoint = new Uri(deployment.McpEndpoint + "?access_token=" + Token);

        using var response = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Authorization header", await AssertJsonRpcErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOverLimit_Returns413()
    {
        var text = new string('a', (int)new HttpSecurityOptions().MaxRequestBodyBytes);
        var body = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"query\":\"" + text + "\"}}}";

        // A well-behaved client sending a large body asks first (Expect: 100-continue) and gets the answer without sending it.
        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, body, Token, r => r.Headers.ExpectContinue = true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertJsonRpcErrorAsync(response);
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_Returns413()
    {
        var text = new string('a', (int)new HttpSecurityOptions().MaxRequestBodyBytes);
        var body = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"pad\":\"" + text + "\"}}");

        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, body, Token, r =>
        {
            r.Content = new StreamContent(new MemoryStream(body));
            r.Content.Headers.ContentType = new("application/json");
            r.Headers.TransferEncodingChunked = true;
        });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(5_000)]
    public async Task Post_DeeplyNestedArguments_Returns400WithJsonRpcError(int depth)
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        var body = """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"search","arguments":{"query":"refund","filters":""" + nested + "}}}";

        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, body, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("deeper than", await AssertJsonRpcErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_InvalidUtf8_Returns400ParseError()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"x\":\""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}}")];

        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, body, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", await AssertJsonRpcErrorAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task OtherMethods_WithToken_Get4xxNever5xx(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), deployment.McpEndpoint);
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Authorization = new("Bearer", Token);

        using var response = await RawMcpHttp.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public void Validate_BadOrigin_FailsAtStartUp()
    {
        var result = new HttpSecurityOptionsValidator().Validate(null, new HttpSecurityOptions { AllowedOrigins = ["https://app.example/path"], MaxJsonDepth = 2 });

        Assert.True(result.Failed);
        Assert.Contains("AllowedOrigins", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaxJsonDepth", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://App.Example", "https://app.example")]
    [InlineData("https://app.example:443", "https://app.example")]
    [InlineData("http://app.example:8080/", "http://app.example:8080")]
    [InlineData("https://app.example/x", null)]
    [InlineData("ftp://app.example", null)]
    [InlineData("null", null)]
    public void NormalizeOrigin_Input_ReturnsCanonicalOriginOrNull(string origin, string? expected) =>
        Assert.Equal(expected, OriginValidationMiddleware.NormalizeOrigin(origin));

    private async Task<string> AssertJsonRpcErrorAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var message = Assert.Single(RawMcpHttp.Messages(body, response.Content.Headers.ContentType?.MediaType));
        RawMcpHttp.AssertJsonRpcResponse(message);
        ErrorHygiene.AssertClean(body, "tenant-a", deployment.DataDir);
        return message.GetProperty("error").GetProperty("message").GetString()!;
    }
}

using System.Net;
using System.Text.Json;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The token rules that decide what a valid token may do: one scope claim (never merged with the other), the tenant
/// as one JSON string, the lifetime limits; and the metadata document, which says only what configuration says.
/// Each rule is checked over HTTP and through the stdio validator, which share one set of options.
/// </summary>
public sealed class TokenRulesTests(SampleDeployment deployment)
{
    private const string DeleteCall = """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete_document","arguments":{"id":"refund-policy"}}}""";

    [Fact]
    public async Task ToolsCall_ScopeReadAndScpWrite_WriteIsNotGranted()
    {
        var token = deployment.Tokens.Raw(deployment.Tokens.Header(), deployment.Tokens.Payload(scopeMembers: "\"scope\":\"rag:read\",\"scp\":\"rag:write\""));

        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, DeleteCall, token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("scope=\"rag:write\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var principal = await StdioPrincipalAsync(token, new AuthOptions());
        Assert.Equal(["rag:read"], principal.Scopes);
    }

    [Fact]
    public async Task Create_ScpConfigured_ReadsOnlyScpIncludingJsonArrays()
    {
        var token = deployment.Tokens.Raw(deployment.Tokens.Header(), deployment.Tokens.Payload(scopeMembers: "\"scope\":\"rag:write\",\"scp\":[\"rag:read\",\"openid\"]"));

        var principal = await StdioPrincipalAsync(token, new AuthOptions { ScopeClaim = "scp" });

        Assert.Equal(["openid", "rag:read"], principal.Scopes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Validate_LifetimeWithinConfiguredMaximum_IsAcceptedAndBeyondIsRefused()
    {
        var tokens = deployment.Tokens;
        var hour = tokens.Raw(tokens.Header(), tokens.Payload(notBefore: -10, expires: 3590));
        var twoHours = tokens.Raw(tokens.Header(), tokens.Payload(notBefore: -10, expires: 7190));
        var options = new AuthOptions { MaxTokenLifetime = TimeSpan.FromHours(1) };

        Assert.NotNull(await StdioPrincipalAsync(hour, options));
        var (user, error) = await Validator(options).ValidateAsync(twoHours);
        Assert.Null(user);
        Assert.Equal("token lifetime is longer than this server accepts", error);
    }

    [Fact]
    public async Task Validate_DevTokenOfLongestTtl_IsAcceptedByDefault()
    {
        var issuer = new DevTokenIssuer(deployment.Tokens.DevKey, Options.Create(DeploymentOptions()));
        var token = issuer.Issue("tenant-a", "tester", ["rag:read"], DevTokenIssuer.MaxLifetime);

        Assert.NotNull(await StdioPrincipalAsync(token, new AuthOptions()));
    }

    [Fact]
    public async Task Validate_IssuedInTheFuture_ReasonSaysSo()
    {
        var token = deployment.Tokens.Raw(deployment.Tokens.Header(), deployment.Tokens.Payload(issuedAt: 600));

        var (user, error) = await Validator(new AuthOptions()).ValidateAsync(token);

        Assert.Null(user);
        Assert.Equal("token is issued in the future", error);
    }

    [Fact]
    public async Task Create_OneElementArrayTenant_ReasonNamesTheClaim()
    {
        var token = deployment.Tokens.Raw(deployment.Tokens.Header(), deployment.Tokens.Payload("\"tenant_id\":[\"tenant-a\"]"));
        var options = DeploymentOptions();
        var (user, _) = await Validator(options).ValidateAsync(token);

        var (principal, error) = new TenantPrincipalFactory(Options.Create(options)).Create(user!);

        Assert.Null(principal);
        Assert.Equal("token's 'tenant_id' claim must be a string", error);
    }

    [Fact]
    public async Task Get_MetadataWithForeignHostHeader_ResourceIsTheConfiguredOne()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(deployment.BaseAddress, "/.well-known/oauth-protected-resource/mcp"));
        request.Headers.Host = "attacker.example";

        using var response = await RawMcpHttp.Http.SendAsync(request, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain("attacker.example", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(deployment.McpEndpoint.ToString(), json.RootElement.GetProperty("resource").GetString());
    }

    [Fact]
    public async Task Post_NoToken_ChallengeNamesTheMetadataOfTheConfiguredResource()
    {
        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, RawMcpHttp.Initialize, token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains($"resource_metadata=\"{DeploymentOptions().ResourceMetadataUrl()}\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_MetadataInDevMode_NamesTheDevelopmentAuthorizationServerAndToolScopes()
    {
        using var response = await RawMcpHttp.Http.GetAsync(new Uri(deployment.BaseAddress, "/.well-known/oauth-protected-resource/mcp"), TestContext.Current.CancellationToken);

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal([deployment.BaseAddress.ToString()], json.RootElement.GetProperty("authorization_servers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["rag:read", "rag:write"], json.RootElement.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()!));
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData("slash")]
    [InlineData("legacy")]
    public async Task Search_OverStdioWithTokenForAnotherAudience_IsUnauthenticated(string kind)
    {
        var audience = kind == "slash" ? deployment.Tokens.Audience + "/" : "mcprag";
        var token = deployment.Tokens.Create(_ => { }, d => d.Audience = audience);
        await using var client = await McpClients.StdioAsync(deployment, token);

        var result = await client.CallAsync("search", new() { ["query"] = "refund" });

        Assert.Equal("unauthenticated", result.ErrorCode());
        Assert.Contains("audience", result.Text(), StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Search_OverStdioWithTokenForTheResourceUrl_IsAccepted()
    {
        await using var client = await McpClients.StdioAsync(deployment, deployment.Tokens.Valid("tenant-c"));

        var result = await client.CallAsync("search", new() { ["query"] = "refund" });

        Assert.Equal("tenant-c", result.Ok().GetProperty("tenant").GetString());
    }

    [Theory]
    [InlineData("GET", "/connect/authorize")]
    [InlineData("POST", "/connect/register")]
    [InlineData("POST", "/connect/token")]
    public async Task DevAuthorizationServer_ForeignHostOrOrigin_Returns403(string method, string path)
    {
        foreach (var (host, origin) in new[] { ("attacker.example", (string?)null), ("127.0.0.1", "https://attacker.example") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(deployment.BaseAddress, path));
            request.Headers.Host = host + ":" + deployment.BaseAddress.Port;
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            if (method == "POST")
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await RawMcpHttp.Http.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
    }

    /// <summary>The deployment's options: its resource URL, dev key trusted.</summary>
    private AuthOptions DeploymentOptions() => new() { ResourceUrl = deployment.Tokens.Audience, TrustDevelopmentKey = true };

    private TokenValidator Validator(AuthOptions options)
    {
        options.ResourceUrl ??= deployment.Tokens.Audience;
        options.TrustDevelopmentKey = true;
        return new TokenValidator(new TokenValidationSetup(Options.Create(options), deployment.Tokens.DevKey));
    }

    private async Task<Retrieval.Tenancy.TenantPrincipal> StdioPrincipalAsync(string token, AuthOptions options)
    {
        var (user, error) = await Validator(options).ValidateAsync(token);
        Assert.True(user is not null, error);
        var (principal, reason) = new TenantPrincipalFactory(Options.Create(options)).Create(user);
        Assert.True(principal is not null, reason);
        return principal;
    }
}

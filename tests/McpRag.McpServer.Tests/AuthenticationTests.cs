using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Security.Cryptography;
using System.Text.Json;
using McpRag.McpServer.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Token rules over HTTP, checked with plain HTTP requests so status codes and headers are visible: every hostile
/// or malformed token gets 401 with a pointer to the protected-resource metadata, and scope failures get 403.
/// </summary>
public sealed class AuthenticationTests(SampleDeployment deployment)
{
    private static readonly HttpClient Http = new();

    public static TheoryData<string> HostileTokens() =>
    [
        "garbage", "foreign-key", "alg-none", "hmac-with-public-key", "expired", "not-yet-valid", "wrong-issuer",
        "wrong-audience", "no-tenant", "empty-tenant", "array-tenant", "numeric-tenant", "whitespace-tenant",
        "lookalike-tenant", "no-subject", "no-expiry", "oversized",
        "unknown-kid", "kid-path-traversal", "jku-attacker-key", "x5u-attacker-key", "jwk-embedded-attacker-key", "jku-with-dev-kid",
        "crit-unknown", "typ-refresh-token", "duplicate-tenant-claim", "duplicate-header-alg", "fullwidth-tenant", "zero-width-tenant",
        "newline-tenant", "uppercase-tenant", "nbf-beyond-skew", "exp-beyond-skew", "alg-None-capitalized", "empty-signature",
        "spliced-signature", "tampered-payload", "hmac-with-der-public-key", "audience-list-without-us",
        "audience-trailing-slash", "audience-other-case", "audience-legacy-name", "one-element-array-tenant", "object-tenant",
        "lifetime-beyond-maximum", "expiry-year-9999", "iat-in-future", "iat-in-future-long-lived",
    ];

    private string Hostile(string kind)
    {
        var tokens = deployment.Tokens;
        return kind switch
        {
            "garbage" => "not.a.token",
            "foreign-key" => tokens.ForeignKey(),
            "alg-none" => tokens.Unsigned(),
            "hmac-with-public-key" => tokens.PublicKeyAsHmacSecret(),
            "expired" => tokens.Create(_ => { }, d => { d.NotBefore = DateTime.UtcNow.AddHours(-2); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddHours(-1); }),
            "not-yet-valid" => tokens.Create(_ => { }, d => { d.NotBefore = DateTime.UtcNow.AddHours(1); d.Expires = DateTime.UtcNow.AddHours(2); }),
            "wrong-issuer" => tokens.Create(_ => { }, d => d.Issuer = "https://issuer.invalid"),
            "wrong-audience" => tokens.Create(_ => { }, d => d.Audience = "some-other-api"),
            "no-tenant" => tokens.Create(c => c.Remove("tenant_id")),
            "empty-tenant" => tokens.Create(c => c["tenant_id"] = ""),
            "array-tenant" => tokens.Create(c => c["tenant_id"] = new[] { "tenant-a", "tenant-b" }),
            "numeric-tenant" => tokens.Create(c => c["tenant_id"] = 42),
            "whitespace-tenant" => tokens.Create(c => c["tenant_id"] = " tenant-a"),
            "lookalike-tenant" => tokens.Create(c => c["tenant_id"] = "tenаnt-a"), // Cyrillic 'а'
            "no-subject" => tokens.Create(c => c.Remove("sub")),
            "no-expiry" => tokens.Create(_ => { }, d => d.Expires = null),
            "oversized" => tokens.Create(c => c["padding"] = new string('x', 20_000)),
            "unknown-kid" => tokens.Raw(tokens.Header(kid: "no-such-key"), tokens.Payload()),
            "kid-path-traversal" => tokens.Raw(tokens.Header(kid: "../../../../dev/null"), tokens.Payload()),
            "jku-attacker-key" => tokens.Raw(tokens.Header(",\"jku\":\"http://127.0.0.1:9/jwks.json\"", kid: "attacker"), tokens.Payload(), Attacker),
            "x5u-attacker-key" => tokens.Raw(tokens.Header(",\"x5u\":\"http://127.0.0.1:9/cert.pem\"", kid: "attacker"), tokens.Payload(), Attacker),
            "jwk-embedded-attacker-key" => tokens.Raw(tokens.Header(",\"jwk\":" + AttackerJwk, kid: "attacker"), tokens.Payload(), Attacker),
            "jku-with-dev-kid" => tokens.Raw(tokens.Header(",\"jku\":\"http://127.0.0.1:9/jwks.json\""), tokens.Payload(), Attacker),
            "crit-unknown" => tokens.Raw(tokens.Header(",\"crit\":[\"urn:example:ext\"],\"urn:example:ext\":true"), tokens.Payload()),
            "typ-refresh-token" => tokens.Raw(tokens.Header().Replace("\"JWT\"", "\"refresh+jwt\"", StringComparison.Ordinal), tokens.Payload()),
            "duplicate-tenant-claim" => tokens.Raw(tokens.Header(), tokens.Payload("\"tenant_id\":\"tenant-a\",\"tenant_id\":\"tenant-b\"")),
            "duplicate-header-alg" => tokens.Raw("{\"alg\":\"none\"," + tokens.Header()[1..], tokens.Payload()),
            "fullwidth-tenant" => tokens.Create(c => c["tenant_id"] = "ｔｅｎａｎｔ-a"),
            "zero-width-tenant" => tokens.Create(c => c["tenant_id"] = "tenant-\u200ba"),
            "newline-tenant" => tokens.Create(c => c["tenant_id"] = "tenant-a\n"),
            "uppercase-tenant" => tokens.Create(c => c["tenant_id"] = "TENANT-A"),
            "nbf-beyond-skew" => tokens.Raw(tokens.Header(), tokens.Payload(notBefore: 120)),
            "exp-beyond-skew" => tokens.Raw(tokens.Header(), tokens.Payload(notBefore: -600, expires: -90)),
            "alg-None-capitalized" => Base64UrlEncoder.Encode("{\"alg\":\"None\",\"typ\":\"JWT\"}") + "." + Base64UrlEncoder.Encode(tokens.Payload()) + ".",
            "empty-signature" => Valid()[..(Valid().LastIndexOf('.') + 1)],
            "spliced-signature" => string.Join('.', tokens.Valid("tenant-b").Split('.')[..2]) + "." + Valid().Split('.')[2],
            "tampered-payload" => Valid().Split('.')[0] + "." + Base64UrlEncoder.Encode(tokens.Payload("\"tenant_id\":\"tenant-b\"")) + "." + Valid().Split('.')[2],
            "hmac-with-der-public-key" => tokens.Create(_ => { }, d => d.SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(DevPublicKeyDer), SecurityAlgorithms.HmacSha256)),
            "audience-list-without-us" => tokens.Create(c => c["aud"] = new[] { "other-api", "another-api" }, d => d.Audience = null),
            "audience-trailing-slash" => tokens.Create(_ => { }, d => d.Audience = tokens.Audience + "/"),
            "audience-other-case" => tokens.Create(_ => { }, d => d.Audience = tokens.Audience.ToUpperInvariant()),
            "audience-legacy-name" => tokens.Create(_ => { }, d => d.Audience = "mcprag"),
            "one-element-array-tenant" => tokens.Raw(tokens.Header(), tokens.Payload("\"tenant_id\":[\"tenant-a\"]")),
            "object-tenant" => tokens.Raw(tokens.Header(), tokens.Payload("\"tenant_id\":{\"id\":\"tenant-a\"}")),
            "lifetime-beyond-maximum" => tokens.Create(_ => { }, d => d.Expires = d.IssuedAt!.Value.AddDays(31)),
            "expiry-year-9999" => tokens.Create(_ => { }, d => { d.IssuedAt = null; d.Expires = new DateTime(9999, 1, 1, 0, 0, 0, DateTimeKind.Utc); }),
            "iat-in-future" => tokens.Raw(tokens.Header(), tokens.Payload(notBefore: -10, expires: 600, issuedAt: 300)),
            "iat-in-future-long-lived" => tokens.Create(_ => { }, d => { d.IssuedAt = DateTime.UtcNow.AddDays(10); d.Expires = DateTime.UtcNow.AddDays(35); }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static readonly RSA Attacker = RSA.Create(2048);

    private static string AttackerJwk
    {
        get
        {
            var p = Attacker.ExportParameters(false);
            return $$"""{"kty":"RSA","kid":"attacker","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}""";
        }
    }

    private byte[] DevPublicKeyDer => deployment.Tokens.PublicKeyDer();

    private string Valid() => _valid ??= deployment.Tokens.Valid("tenant-a");

    private string? _valid;

    [Fact]
    public async Task Post_HostileTokenBattery_NoneAccepted()
    {
        var kinds = HostileTokens().Select(row => (string)row.Data).ToList();
        var validator = deployment.Tokens.Validator();
        var principals = deployment.Tokens.Principals();
        var acceptedOverHttp = new List<string>();
        var acceptedByValidator = new List<string>();
        foreach (var kind in kinds)
        {
            var token = Hostile(kind);
            using var response = await PostAsync(Initialize, token);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                acceptedOverHttp.Add($"{kind}: {(int)response.StatusCode}");
            }

            var (user, _) = await validator.ValidateAsync(token);
            if (user is not null && principals.Create(user).Principal is not null)
            {
                acceptedByValidator.Add(kind);
            }
        }

        SecurityReport.Write($"tokens: {kinds.Count} hostile tokens tried over HTTP and the stdio validator; accepted over HTTP: {acceptedOverHttp.Count}, by the validator: {acceptedByValidator.Count}");
        Assert.Empty(acceptedOverHttp);
        Assert.Empty(acceptedByValidator);
    }

    [Theory]
    [InlineData(-30, 0)]
    [InlineData(-600, -30)]
    [InlineData(30, 600)]
    public async Task Post_TimesWithinClockSkew_AreAccepted(long notBefore, long expires)
    {
        var token = deployment.Tokens.Raw(deployment.Tokens.Header(), deployment.Tokens.Payload(notBefore: notBefore, expires: expires == 0 ? 600 : expires));

        using var response = await PostAsync(Initialize, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Post_RawTokenWithValidShape_IsAccepted()
    {
        using var response = await PostAsync(Initialize, deployment.Tokens.Raw(deployment.Tokens.Header(), deployment.Tokens.Payload()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task Post_HostileToken_Returns401WithResourceMetadata(string kind)
    {
        using var response = await PostAsync(Initialize, Hostile(kind));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("resource_metadata=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ErrorHygiene.AssertClean(response.Headers.WwwAuthenticate + "\n" + body, "tenant-a", deployment.DataDir);
        Assert.DoesNotContain("IDX", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NoToken_Returns401PointingAtProtectedResourceMetadata()
    {
        using var response = await PostAsync(Initialize, token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"resource_metadata=\"{deployment.BaseAddress.ToString().TrimEnd('/')}/.well-known/oauth-protected-resource/mcp\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TokenInQueryString_IsNotAccepted()
    {
        var uri = new Uri(deployment.McpEndpoint + "?access_token=" + deployment.Tokens.Valid("tenant-a"));
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = Json(Initialize) };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_ProtectedResourceMetadata_DescribesTheResourceAndScopes()
    {
        using var response = await Http.GetAsync(new Uri(deployment.BaseAddress, "/.well-known/oauth-protected-resource/mcp"), TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(deployment.McpEndpoint.ToString(), json.RootElement.GetProperty("resource").GetString());
        Assert.Equal(["rag:read", "rag:write"], json.RootElement.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ToolsCall_ReadTokenOnWriteTool_Returns403InsufficientScope()
    {
        var call = """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete_document","arguments":{"id":"refund-policy"}}}""";

        using var response = await PostAsync(call, deployment.Tokens.Valid("tenant-c", scope: "rag:read"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"rag:write\"", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolsCall_WriteOnlyTokenOnReadTool_Returns403InsufficientScope()
    {
        var call = """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search","arguments":{"query":"refund"}}}""";

        using var response = await PostAsync(call, deployment.Tokens.Valid("tenant-c", scope: "rag:write"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("scope=\"rag:read\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_TokenForUnknownTenant_ReturnsTenantNotProvisioned()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-zzz"));

        var result = await client.CallAsync("search", new() { ["query"] = "refund" });

        Assert.Equal("tenant_not_provisioned", result.ErrorCode());
        Assert.DoesNotContain("tenant-zzz", result.Text(), StringComparison.Ordinal);
        ErrorHygiene.AssertClean(result.Text(), dataDir: deployment.DataDir);
    }

    [Fact]
    public async Task Search_CognitoStyleTenantClaimNotConfigured_IsRejected()
    {
        var token = deployment.Tokens.Create(c => { c.Remove("tenant_id"); c["custom:tenant_id"] = "tenant-a"; });

        using var response = await PostAsync(Initialize, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"tests","version":"1"}}}""";

    private async Task<HttpResponseMessage> PostAsync(string body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, deployment.McpEndpoint) { Content = Json(body) };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

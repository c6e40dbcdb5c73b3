using System.Security.Cryptography;
using System.Text;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>The downstream credential on the wire: the server's own JWT, SigV4 for es and aoss, or basic auth.</summary>
public sealed class OpenSearchAuthWireTests : IDisposable
{
    private const string Index = "shared-cd";
    private readonly FakeOpenSearch _fake = new();
    private readonly OpenSearchTestHost _host = new();

    private async Task<WireMock.IRequestMessage> SearchWithRouteAsync(string routeJson, string tenant = "tenant-c", string subject = "user-1", string? callerToken = null)
    {
        _fake.IndexExists(Index, 384);
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route(tenant, routeJson);
        var caller = OpenSearchTestHost.Caller(tenant, subject) with { AccessToken = callerToken };
        await _host.Backend.SearchAsync(route, caller, OpenSearchTestHost.Query("refund", SearchMode.Keyword), CancellationToken.None);
        var search = Assert.Single(_fake.RequestsTo("POST", $"/{Index}/_search")).RequestMessage;

        // The version and plugins are read with the route's own credential, exactly as the search is sent.
        var probe = Assert.Single(_fake.RequestsTo("GET", "/")).RequestMessage;
        Assert.Equal(Header(search, "Authorization").Split(' ')[0], Header(probe, "Authorization").Split(' ')[0]);
        return search;
    }

    private static string Header(WireMock.IRequestMessage request, string name) =>
        request.Headers!.First(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value.Single();

    [Fact]
    public async Task SearchAsync_JwtExchange_SendsServerSignedShortLivedTokenWithTenantAsRoles()
    {
        var request = await SearchWithRouteAsync($$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}"}""", subject: "alice@tenant-c");

        var authorization = Header(request, "Authorization");
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        var token = authorization["Bearer ".Length..];
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "mcprag",
            ValidAudience = _fake.Url,
            IssuerSigningKey = _host.Get<DownstreamSigningKey>().PublicKey,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.Zero,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("alice@tenant-c", jwt.Subject);
        Assert.Equal(["tenant-c"], jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.Equal("tenant-c", jwt.GetClaim("tenant_id").Value);
        Assert.InRange(jwt.ValidTo - jwt.ValidFrom, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task SearchAsync_JwtExchangeWhileCallerTokenIsCurrent_NeverSendsTheCallersToken()
    {
        var callerToken = "caller." + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) + ".signature";
        var request = await SearchWithRouteAsync($$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}"}""", callerToken: callerToken);

        var sent = Header(request, "Authorization")["Bearer ".Length..];
        Assert.NotEqual(callerToken, sent);
        Assert.DoesNotContain(callerToken, sent, StringComparison.Ordinal);
        Assert.Equal("mcprag", new JsonWebToken(sent).Issuer);
    }

    [Fact]
    public async Task SearchAsync_JwtPassthroughOptIn_ForwardsTheCallersTokenUnchanged()
    {
        var callerToken = "caller." + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) + ".signature";
        var request = await SearchWithRouteAsync($$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}", "auth": "jwt-passthrough"}""", callerToken: callerToken);

        Assert.Equal("Bearer " + callerToken, Header(request, "Authorization"));
    }

    [Fact]
    public async Task SearchAsync_JwtPassthroughWithoutCallerToken_FailsUnauthenticatedWithoutCallingTheCluster()
    {
        _fake.IndexExists(Index, 384);
        var route = _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}", "auth": "jwt-passthrough"}""");

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("refund", SearchMode.Keyword), CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.Unauthenticated, error.Code);
        Assert.Empty(_fake.Requests);
    }

    [Fact]
    public async Task SearchAsync_JwtExchange_TokenDoesNotVerifyWithAnyOtherKey()
    {
        var request = await SearchWithRouteAsync($$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}"}""");

        var token = Header(request, "Authorization")["Bearer ".Length..];
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "mcprag",
            ValidAudience = _fake.Url,
            IssuerSigningKey = new RsaSecurityKey(RSA.Create(2048)),
        });
        Assert.False(result.IsValid);
    }

    [Fact]
    public void ValidateRoute_ServerlessSigningService_IsRefusedWithOneLineReason()
    {
        var error = Assert.Throws<FormatException>(() => _host.Route("tenant-c", $$"""
            {"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}",
             "auth": "sigv4", "region": "eu-west-1", "signingService": "aoss"}
            """));
        Assert.Contains(OpenSearchRoute.ServerlessRefusal, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(_fake.Requests);
    }

    [Theory]
    [InlineData("es")]
    public async Task SearchAsync_SigV4_SignsWithServiceRegionAndBodyHash(string service)
    {
        var request = await SearchWithRouteAsync($$"""
            {"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}",
             "auth": "sigv4", "region": "eu-west-1", "signingService": "{{service}}"}
            """);

        var auth = SigV4Verifier.Parse(Header(request, "Authorization"));
        Assert.Equal((_host.AccessKey, "eu-west-1", service), (auth.AccessKey, auth.Region, auth.Service));
        Assert.Equal(Header(request, "X-Amz-Date")[..8], auth.Date);
        Assert.Contains("x-amz-content-sha256", auth.SignedHeaders.Split(';'));
        Assert.Contains("host", auth.SignedHeaders.Split(';'));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(request.BodyAsBytes!)), Header(request, "X-Amz-Content-Sha256"));
        Assert.Equal(SigV4Verifier.ExpectedSignature(request, _host.SecretKey), auth.Signature);
        Assert.NotEqual(SigV4Verifier.ExpectedSignature(request, _host.SecretKey + "x"), auth.Signature);
    }

    [Fact]
    public async Task SearchAsync_Basic_SendsCredentialsFromTheNamedEnvironmentVariables()
    {
        var suffix = Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
        Environment.SetEnvironmentVariable("MCPRAG_TEST_OS_USER_" + suffix, "reader");
        Environment.SetEnvironmentVariable("MCPRAG_TEST_OS_PASSWORD_" + suffix, password);
        try
        {
            var request = await SearchWithRouteAsync($$"""
                {"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}",
                 "auth": "basic", "usernameVariable": "MCPRAG_TEST_OS_USER_{{suffix}}", "passwordVariable": "MCPRAG_TEST_OS_PASSWORD_{{suffix}}"}
                """);

            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("reader:" + password)), Header(request, "Authorization"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MCPRAG_TEST_OS_USER_" + suffix, null);
            Environment.SetEnvironmentVariable("MCPRAG_TEST_OS_PASSWORD_" + suffix, null);
        }
    }

    public void Dispose()
    {
        _host.Dispose();
        _fake.Dispose();
    }
}

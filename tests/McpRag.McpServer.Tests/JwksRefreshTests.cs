using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Keys from an OpenID Connect issuer (a loopback fake serving discovery and JWKS, counting fetches): a rotated key
/// is picked up by one refresh, awaited, when the first token names it, and a flood of tokens naming unknown key ids triggers no more
/// than that one rate-limited refresh, not one fetch per request.
/// </summary>
public sealed class JwksRefreshTests : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "jwks-" + Guid.NewGuid().ToString("n"));
    private readonly RsaSecurityKey _first = new(RSA.Create(2048)) { KeyId = "key-1" };
    private readonly RsaSecurityKey _rotated = new(RSA.Create(2048)) { KeyId = "key-2" };
    private readonly List<RsaSecurityKey> _published = [];
    private WebApplication? _issuer;
    private WebApplication? _server;
    private int _jwksFetches;
    private string _resource = "";

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Post_RotatedKeyThenUnknownKids_FirstRotatedTokenAcceptedAndFloodCausesNoMoreFetches()
    {
        _published.Add(_first);
        var endpoint = await StartAsync();

        using (var ok = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, Token(_first)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var fetchesBeforeRotation = Volatile.Read(ref _jwksFetches);
        _published.Add(_rotated);
        // The unknown kid makes the server refresh the keys and wait for them before judging the token, so the first
        // token signed with the rotated key is already accepted.
        using (var rotated = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, Token(_rotated)))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        var fetchesAfterRotation = Volatile.Read(ref _jwksFetches);
        const int Flood = 25;
        for (var i = 0; i < Flood; i++)
        {
            var stranger = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "unknown-" + i };
            using var response = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, Token(stranger));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var fetchesAfterFlood = Volatile.Read(ref _jwksFetches);
        SecurityReport.Write($"tokens: JWKS fetched {fetchesBeforeRotation} time(s) at start, {fetchesAfterRotation - fetchesBeforeRotation} for the rotated key, {fetchesAfterFlood - fetchesAfterRotation} for {Flood} unknown-kid tokens");
        Assert.Equal(1, fetchesBeforeRotation);
        Assert.Equal(1, fetchesAfterRotation - fetchesBeforeRotation);
        Assert.Equal(0, fetchesAfterFlood - fetchesAfterRotation);
    }

    [Fact]
    public async Task Post_DefaultSettings_AcceptCanonicalResourceUrlAsAudienceOnly()
    {
        _published.Add(_first);
        var endpoint = await StartAsync();

        using var canonical = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, Token(_first));
        using var legacy = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, Token(_first, audience: "mcprag"));
        using var slash = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, Token(_first, audience: _resource + "/"));
        using var metadata = await RawMcpHttp.Http.GetAsync(new Uri(endpoint.GetLeftPart(UriPartial.Authority) + "/.well-known/oauth-protected-resource/mcp"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, canonical.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, legacy.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, slash.StatusCode);
        var document = JsonNode.Parse(await metadata.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(_resource, document["resource"]!.GetValue<string>());
        Assert.Equal([IssuerUrl], document["authorization_servers"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    private string Token(RsaSecurityKey key, string? audience = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = IssuerUrl,
        Audience = audience ?? _resource,
        Expires = DateTime.UtcNow.AddMinutes(10),
        Subject = new ClaimsIdentity([new Claim("sub", "jwks-tester"), new Claim("tenant_id", "tenant-a"), new Claim("scope", "rag:read")]),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
    });

    private string IssuerUrl => _issuer!.Urls.First().TrimEnd('/');

    private async Task<Uri> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _issuer = builder.Build();
        _issuer.MapGet("/.well-known/openid-configuration", () => Results.Json(new JsonObject { ["issuer"] = IssuerUrl, ["jwks_uri"] = IssuerUrl + "/jwks" }));
        _issuer.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref _jwksFetches);
            var keys = new JsonArray(_published.Select(k =>
            {
                var p = k.Rsa.ExportParameters(false);
                return (JsonNode)new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = k.KeyId, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
            }).ToArray());
            return Results.Json(new JsonObject { ["keys"] = keys });
        });
        await _issuer.StartAsync(TestContext.Current.CancellationToken);

        Directory.CreateDirectory(_root);
        var config = Path.Combine(_root, "mcprag.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = _root,
                ["Tenants"] = new JsonObject { ["File"] = Path.Combine(RepositoryPaths.Samples, "tenants.json") },
                ["Auth"] = new JsonObject { ["Authority"] = IssuerUrl, ["RequireHttpsMetadata"] = false },
            },
        }.ToJsonString(), TestContext.Current.CancellationToken);
        var urls = $"http://127.0.0.1:{RedisServer.FreePort()}";
        _resource = urls + HttpServerHost.McpPath;
        _server = HttpServerHost.Build(new ServerSettings(urls, config, Dev: false));
        await _server.StartAsync(TestContext.Current.CancellationToken);
        return new Uri(_resource);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_issuer is not null)
        {
            await _issuer.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; the OS cleans the temp folder.
        }
    }
}

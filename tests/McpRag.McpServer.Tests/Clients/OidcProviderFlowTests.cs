using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace McpRag.McpServer.Tests.Clients;

/// <summary>
/// The MCP authorization flow end to end, as OAuth-capable clients run it: a real, independent OpenID provider
/// (<c>oidc-provider</c>, started by <c>tests/node-clients/oauth-flow.mjs</c> on loopback) and the official TypeScript
/// SDK's OAuth client against the real mcprag configured only with the provider's <c>Authority</c>. Every step is
/// asserted: the first 401, metadata, discovery, registration, code + PKCE with the resource indicator, the token,
/// tenant-scoped searches, refresh of an expired token, refusal of a token for another resource, step-up on
/// <c>insufficient_scope</c>, and a signing-key rotation that no call notices.
/// </summary>
[Trait("Category", "Slow")]
public sealed class OidcProviderFlowTests(SampleDeployment deployment)
{
    private const string WriteTenant = "tenant-oauth";

    public static TheoryData<string> TenantClaims() => new("tenant_id", "custom:tenant_id");

    [Theory]
    [MemberData(nameof(TenantClaims))]
    public async Task AuthorizationFlow_OfficialClientAgainstOidcProvider_EveryStepAsTheSpecSays(string tenantClaim)
    {
        var (facts, mcpUrl, issuer) = await RunAsync(tenantClaim);
        var baseUrl = new Uri(mcpUrl).GetLeftPart(UriPartial.Authority);
        var metadataUrl = baseUrl + "/.well-known/oauth-protected-resource/mcp";

        foreach (var (account, tenant) in new[] { ("carol", "tenant-c"), ("dave", "tenant-d") })
        {
            var run = facts.GetProperty(account);
            var requests = run.GetProperty("requests").EnumerateArray().ToList();

            // The first request has no token: 401 pointing at the protected-resource metadata.
            Assert.Equal(("POST", mcpUrl, 401), Request(requests[0]));
            Assert.Contains($"resource_metadata=\"{metadataUrl}\"", requests[0].GetProperty("wwwAuthenticate").GetString(), StringComparison.Ordinal);
            // Metadata, then the provider's metadata (RFC 8414), then dynamic registration (RFC 7591).
            var metadata = requests.FindIndex(r => Request(r) == ("GET", metadataUrl, 200));
            var discovery = requests.FindIndex(r => Request(r) == ("GET", issuer + "/.well-known/oauth-authorization-server", 200));
            var registration = requests.FindIndex(r => Request(r) == ("POST", issuer + "/reg", 201));
            var token = requests.FindIndex(r => Request(r) == ("POST", issuer + "/token", 200) && r.GetProperty("grantType").GetString() == "authorization_code");
            Assert.True(metadata > 0 && discovery > metadata && registration > discovery && token > registration, string.Join(", ", requests.Select(Request)));
            Assert.False(string.IsNullOrEmpty(run.GetProperty("registeredClientId").GetString()));
            Assert.Equal(("POST", mcpUrl, 200), Request(requests.Last(r => r.GetProperty("url").GetString() == mcpUrl && r.GetProperty("method").GetString() == "POST")));

            // Code + PKCE (S256) for this server's canonical URL, with the scopes the metadata lists; a person signed in and consented.
            var authorization = Assert.Single(run.GetProperty("authorizations").EnumerateArray());
            Assert.Equal(mcpUrl, authorization.GetProperty("resource").GetString());
            Assert.Equal("S256", authorization.GetProperty("codeChallengeMethod").GetString());
            Assert.True(authorization.GetProperty("hasCodeChallenge").GetBoolean());
            Assert.Equal("rag:read rag:write", authorization.GetProperty("scope").GetString());
            Assert.Equal(["login", "consent"], Strings(run.GetProperty("prompts")));

            // The access token: a JWT for this resource, from the provider, naming the signed-in account's tenant.
            Assert.Equal("at+jwt", run.GetProperty("tokenHeader").GetProperty("typ").GetString());
            var claims = run.GetProperty("tokenClaims");
            Assert.Equal(mcpUrl, claims.GetProperty("aud").GetString());
            Assert.Equal(issuer, claims.GetProperty("iss").GetString());
            Assert.Equal(account, claims.GetProperty("sub").GetString());
            Assert.Equal(tenant, claims.GetProperty(tenantClaim).GetString());
            Assert.True(run.GetProperty("hasRefreshToken").GetBoolean());

            // Each tenant sees only its own documents.
            var search = Ok(run.GetProperty("search"));
            Assert.Equal(tenant, search.GetProperty("tenant").GetString());
            var hits = search.GetProperty("results").EnumerateArray().ToList();
            Assert.NotEmpty(hits);
            Assert.All(hits, h => Assert.EndsWith("." + SampleDeployment.Domains[tenant], new Uri(h.GetProperty("url").GetString()!).Host, StringComparison.Ordinal));
        }

        // An expired access token: 401, the client refreshes, the call works.
        var refresh = facts.GetProperty("refresh");
        Assert.Equal(2, refresh.GetProperty("expiredTokenLifetime").GetInt32());
        Assert.Equal([401, 200], refresh.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(["refresh_token"], Strings(refresh.GetProperty("grants")));
        Assert.True(refresh.GetProperty("tokenChanged").GetBoolean());
        Assert.Equal("tenant-c", Ok(refresh.GetProperty("search")).GetProperty("tenant").GetString());

        // A token the provider issued for another resource is refused every time, even after the client refreshes it.
        var other = facts.GetProperty("otherResource");
        var otherResource = issuer + "/other-resource/mcp";
        Assert.Equal(otherResource, Assert.Single(other.GetProperty("authorizations").EnumerateArray()).GetProperty("resource").GetString());
        Assert.All(Strings(other.GetProperty("audiences")), aud => Assert.Equal(otherResource, aud));
        var otherStatuses = other.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()).ToList();
        Assert.True(otherStatuses.Count >= 2, string.Join(",", otherStatuses));
        Assert.All(otherStatuses, s => Assert.Equal(401, s));
        Assert.Contains("401", other.GetProperty("error").GetString(), StringComparison.Ordinal);

        // A read-only token on a write tool: 403 insufficient_scope naming rag:write; the client re-authorizes with it; the write succeeds.
        var stepUp = facts.GetProperty("stepUp");
        Assert.Equal("rag:read", stepUp.GetProperty("readOnlyScope").GetString());
        Assert.Equal(403, stepUp.GetProperty("forbiddenStatus").GetInt32());
        var challenge = stepUp.GetProperty("forbiddenChallenge").GetString()!;
        Assert.Contains("error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"rag:write\"", challenge, StringComparison.Ordinal);
        Assert.Contains($"resource_metadata=\"{metadataUrl}\"", challenge, StringComparison.Ordinal);
        Assert.Equal("UnauthorizedError", stepUp.GetProperty("firstError").GetString());
        Assert.Equal("rag:write", stepUp.GetProperty("stepUpAuthorization").GetProperty("scope").GetString());
        Assert.Equal(mcpUrl, stepUp.GetProperty("stepUpAuthorization").GetProperty("resource").GetString());
        Assert.Equal(["login", "consent", "consent"], Strings(stepUp.GetProperty("prompts")));
        Assert.Contains("rag:write", stepUp.GetProperty("writeScope").GetString()!.Split(' '));
        var upsert = Ok(stepUp.GetProperty("upsert"));
        Assert.Equal(WriteTenant, upsert.GetProperty("tenant").GetString());
        Assert.Equal("oauth-step-up", upsert.GetProperty("id").GetString());

        // The provider publishes a new key, then signs with it: every call succeeds at its first attempt.
        var rotation = facts.GetProperty("rotation");
        var phases = rotation.GetProperty("phases").EnumerateArray().ToList();
        Assert.Equal(["before", "published", "rotated"], phases.Select(p => p.GetProperty("label").GetString()));
        var firstKid = rotation.GetProperty("firstKid").GetString()!;
        var rotatedKid = rotation.GetProperty("rotatedKid").GetString()!;
        Assert.Equal([firstKid, firstKid, rotatedKid], phases.Select(p => p.GetProperty("kid").GetString()));
        Assert.Equal([firstKid, rotatedKid], Strings(rotation.GetProperty("publishedKids")));
        Assert.All(phases, p => Assert.Equal("tenant-c", Ok(p.GetProperty("search")).GetProperty("tenant").GetString()));
        Assert.Equal([200], phases[2].GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()));
    }

    private async Task<(JsonElement Facts, string McpUrl, string Issuer)> RunAsync(string tenantClaim)
    {
        var issuerPort = RedisServer.FreePort();
        var issuer = $"http://127.0.0.1:{issuerPort}";
        var urls = $"http://127.0.0.1:{RedisServer.FreePort()}";
        var mcpUrl = urls + HttpServerHost.McpPath;

        // The deployment's indexes (read) and routing table, plus a tenant of its own for the write.
        var tenants = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(deployment.DataDir, "tenants.json"), TestContext.Current.CancellationToken))!;
        tenants["tenants"]![WriteTenant] = new JsonObject { ["isolation"] = "index", ["index"] = WriteTenant };
        var name = $"oidc-{Guid.NewGuid():n}";
        var tenantsFile = Path.Combine(deployment.DataDir, name + "-tenants.json");
        await File.WriteAllTextAsync(tenantsFile, tenants.ToJsonString(), TestContext.Current.CancellationToken);
        var configFile = Path.Combine(deployment.DataDir, name + ".json");
        await File.WriteAllTextAsync(configFile, new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = deployment.DataDir,
                ["Tenants"] = new JsonObject { ["File"] = tenantsFile },
                ["Audit"] = new JsonObject { ["Directory"] = "" },
                // Only what an operator sets for a real provider: its issuer, and the tenant claim it issues.
                // No clock skew, so the two-second token of the refresh step has expired when the test says so.
                ["Auth"] = new JsonObject
                {
                    ["Authority"] = issuer,
                    ["RequireHttpsMetadata"] = false,
                    ["TenantClaim"] = tenantClaim,
                    ["ClockSkew"] = "00:00:00",
                },
            },
        }.ToJsonString(), TestContext.Current.CancellationToken);

        await using var server = HttpServerHost.Build(new ServerSettings(urls, configFile, Dev: false));
        await server.StartAsync(TestContext.Current.CancellationToken);
        var output = await NodeClients.RunAsync("oauth-flow.mjs", new Dictionary<string, string>
        {
            ["MCPRAG_URL"] = mcpUrl,
            ["MCPRAG_ISSUER_PORT"] = issuerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MCPRAG_TENANT_CLAIM"] = tenantClaim,
        }, TimeSpan.FromMinutes(3));
        await server.StopAsync(TestContext.Current.CancellationToken);
        return (JsonDocument.Parse(output).RootElement.Clone(), mcpUrl, issuer);
    }

    private static (string Method, string Url, int Status) Request(JsonElement r) =>
        (r.GetProperty("method").GetString()!, r.GetProperty("url").GetString()!, r.GetProperty("status").GetInt32());

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();

    private static JsonElement Ok(JsonElement call)
    {
        Assert.False(call.GetProperty("isError").GetBoolean(), call.GetProperty("text").GetString());
        return call.GetProperty("structured");
    }
}

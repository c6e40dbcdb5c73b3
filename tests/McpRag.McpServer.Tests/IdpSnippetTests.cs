using System.Security.Claims;
using System.Security.Cryptography;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The identity-provider configurations in <c>samples/idp</c> (quoted in docs/security.md) are loaded exactly as the
/// server loads its configuration, validated, and then shown a token shaped the way that provider issues it (its
/// issuer form, audience, scope claim and tenant claim): the token names the tenant and the scopes, and nothing else.
/// </summary>
public sealed class IdpSnippetTests
{
    public static TheoryData<string, string> Snippets() => new()
    {
        // file, the claims of an access token as that provider issues it (issuer, audience, scopes, tenant)
        { "cognito.json", """{"iss":"https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example1","aud":"https://rag.example.com/mcp","client_id":"3n4example","scope":"rag:read rag:write","custom:tenant_id":"tenant-c"}""" },
        { "entra-id.json", """{"iss":"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0","aud":"11111111-1111-1111-1111-111111111111","scp":"rag:read rag:write","tid":"00000000-0000-0000-0000-000000000001","tenant_id":"tenant-c"}""" },
        { "auth0.json", """{"iss":"https://example-isv.eu.auth0.com/","aud":["https://rag.example.com/mcp","https://example-isv.eu.auth0.com/userinfo"],"scope":"openid rag:read rag:write","https://rag.example.com/tenant_id":"tenant-c"}""" },
        { "okta.json", """{"iss":"https://example-isv.okta.com/oauth2/ausExample1","aud":"https://rag.example.com/mcp","scp":["rag:read","rag:write"],"tenant_id":"tenant-c","cid":"0oaexample"}""" },
        { "keycloak.json", """{"iss":"https://sso.example.com/realms/isv","aud":["https://rag.example.com/mcp","account"],"scope":"profile rag:read rag:write","tenant_id":"tenant-c","azp":"mcp-client"}""" },
    };

    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task Snippet_BoundAndValidated_AcceptsThatProvidersTokenWithTenantAndScopes(string file, string claims)
    {
        var options = Load(file);
        var issuer = System.Text.Json.JsonDocument.Parse(claims).RootElement.GetProperty("iss").GetString()!;
        Assert.Equal([options.Authority!], options.EffectiveAuthorizationServers());
        Assert.Equal("https://rag.example.com/mcp", options.ResourceUrl);
        Assert.Equal("https://rag.example.com/.well-known/oauth-protected-resource/mcp", options.ResourceMetadataUrl());

        var (principal, error) = await ValidateAsync(options, issuer, claims);

        Assert.True(principal is not null, error);
        Assert.Equal("tenant-c", principal.TenantId);
        Assert.True(principal.HasScope("rag:read") && principal.HasScope("rag:write"));
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task Snippet_TokenForAnotherAudience_IsRefused(string file, string claims)
    {
        var options = Load(file);
        var node = System.Text.Json.Nodes.JsonNode.Parse(claims)!;
        node["aud"] = "https://other.example.com/mcp";

        var (principal, error) = await ValidateAsync(options, node["iss"]!.GetValue<string>(), node.ToJsonString());

        Assert.Null(principal);
        Assert.Equal("token is not issued for this server (audience)", error);
    }

    private static AuthOptions Load(string file)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Samples, "idp", file)).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddMcpRagAuth(listenUrls: null);
        using var provider = services.BuildServiceProvider();
        // Reading the value runs the validator, as start-up does.
        return provider.GetRequiredService<IOptions<AuthOptions>>().Value;
    }

    /// <summary>
    /// The server's own rules for these options (audience, lifetime, type, claims), with a local key in place of the
    /// provider's discovery document, which this test cannot reach.
    /// </summary>
    private static async Task<(Retrieval.Tenancy.TenantPrincipal? Principal, string? Error)> ValidateAsync(AuthOptions options, string issuer, string claimsJson)
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "idp-key" };
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = System.Text.Json.Nodes.JsonNode.Parse(claimsJson)!.AsObject();
        payload["sub"] = "user-1";
        payload["iat"] = now;
        payload["nbf"] = now;
        payload["exp"] = now + 3600;
        var token = new JsonWebTokenHandler().CreateToken(payload.ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.RsaSha256), new Dictionary<string, object> { ["typ"] = "at+jwt" });

        var setup = new TokenValidationSetup(Options.Create(options), null!);
        var parameters = setup.Parameters.Clone();
        parameters.ConfigurationManager = null;
        parameters.IssuerSigningKeys = [key];
        parameters.ValidIssuers = [issuer];
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return (null, TokenValidator.Describe(result.Exception));
        }

        var user = new ClaimsPrincipal(result.ClaimsIdentity);
        TokenValidator.KeepToken(user, result.SecurityToken);
        return new TenantPrincipalFactory(Options.Create(options)).Create(user);
    }
}

using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpRag.McpServer.Auth.DevServer;

/// <summary>
/// A development authorization server on the MCP server's own origin, served only in <c>--dev</c> modes and by
/// <c>demo</c>, so OAuth-capable MCP clients (VS Code, Claude Code, the Inspector) connect with nothing pasted. It is
/// OpenIddict (authorization code + PKCE, refresh tokens, resource indicators, discovery) signing JWT access tokens
/// with the development key for this server's resource URL; what OpenIddict lacks, dynamic client registration, is
/// <see cref="DevClientRegistration"/>. Who signs in is whoever picks a sample tenant on <see cref="DevSignInPage"/>:
/// there are no passwords, which is why it exists only where the development key is trusted anyway.
/// </summary>
internal static class DevAuthorizationServer
{
    /// <summary>Where its endpoints live; the origin and host checks of the MCP endpoint apply here too.</summary>
    public const string PathPrefix = "/connect";

    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string RegisterPath = "/connect/register";

    /// <summary>The issuer: the origin of the resource URL (with the trailing slash OpenIddict writes).</summary>
    public static string IssuerFor(string resourceUrl) => new Uri(new Uri(resourceUrl).GetLeftPart(UriPartial.Authority) + "/").ToString();

    public static IServiceCollection AddDevAuthorizationServer(this IServiceCollection services)
    {
        // One database per server: the name is fixed here, not in the callback, which runs once per scope.
        var database = "mcprag-dev-authorization-" + Guid.NewGuid().ToString("n");
        services.AddDbContext<DevAuthorizationDbContext>(o =>
        {
            o.UseInMemoryDatabase(database);
            o.UseOpenIddict();
        });
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<DevAuthorizationDbContext>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris(AuthorizePath.TrimStart('/'))
                    .SetTokenEndpointUris(TokenPath.TrimStart('/'));
                o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
                o.RequireProofKeyForCodeExchange();
                o.RegisterScopes(TenantPrincipalScopes);
                // Access tokens are JWTs the MCP endpoint validates like any provider's; codes and refresh tokens stay encrypted.
                o.DisableAccessTokenEncryption();
                o.AddEphemeralEncryptionKey();
                o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
                o.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(b => b.UseInlineHandler(context =>
                {
                    context.Metadata["registration_endpoint"] = new Uri(context.BaseUri!, RegisterPath.TrimStart('/')).ToString();
                    return default;
                }));
            });
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<AuthOptions>, DevSigningKey>((o, auth, key) =>
        {
            o.Issuer = new Uri(IssuerFor(auth.Value.ResourceUrl!));
            o.SigningCredentials.Add(new Microsoft.IdentityModel.Tokens.SigningCredentials(key.PrivateKey, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256));
            o.Resources.Add(new Uri(auth.Value.ResourceUrl!));
            // OAuth 2.1: S256 only.
            o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain);
        });
        services.AddSingleton<DevSignInPage>();
        services.AddSingleton<DevClientRegistration>();
        return services;
    }

    public static void MapDevAuthorizationServer(this WebApplication app)
    {
        app.MapMethods(AuthorizePath, ["GET", "POST"], (HttpContext context, DevSignInPage page) => page.HandleAsync(context));
        app.MapPost(TokenPath, (Delegate)TokenAsync);
        app.MapPost(RegisterPath, (HttpContext context, DevClientRegistration registration) => registration.HandleAsync(context));
    }

    internal static readonly string[] TenantPrincipalScopes = [Retrieval.Tenancy.TenantPrincipal.ReadScope, Retrieval.Tenancy.TenantPrincipal.WriteScope];

    /// <summary>Code and refresh-token exchanges: the principal OpenIddict stored with the grant is issued again.</summary>
    private static async Task<IResult> TokenAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest();
        if (request is null || !(request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType()))
        {
            return Results.BadRequest();
        }

        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        return result.Principal is { } principal
            ? Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)
            : Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpRag.McpServer.Auth.DevServer;

/// <summary>
/// Dynamic client registration (RFC 7591) for the development authorization server, as a thin endpoint over
/// OpenIddict's application manager: a public client (no secret) with its redirect URIs, the code and refresh grants,
/// PKCE required, the two scopes and this server's resource. Requests are bounded (body size, URI count and length,
/// client count) and refused with the RFC's error codes and a one-line reason.
/// </summary>
internal sealed class DevClientRegistration(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<AuthOptions> auth)
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxRedirectUris = 10;
    private const int MaxClients = 1000;

    private int _registered;

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > MaxBodyBytes)
        {
            return Error("invalid_client_metadata", "registration request is too large");
        }

        JsonObject? metadata;
        try
        {
            using var limited = new MemoryStream();
            await context.Request.Body.CopyToAsync(limited, context.RequestAborted);
            if (limited.Length > MaxBodyBytes)
            {
                return Error("invalid_client_metadata", "registration request is too large");
            }

            metadata = JsonNode.Parse(limited.ToArray()) as JsonObject;
        }
        catch (JsonException)
        {
            metadata = null;
        }

        if (metadata is null)
        {
            return Error("invalid_client_metadata", "the body must be a JSON object");
        }

        var redirects = metadata["redirect_uris"] is JsonArray array ? array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToList() : [];
        if (redirects.Count is 0 or > MaxRedirectUris || redirects.Any(r => !IsRedirect(r)))
        {
            return Error("invalid_redirect_uri", $"redirect_uris must list 1 to {MaxRedirectUris} absolute http(s) URIs without fragments");
        }

        if (Interlocked.Increment(ref _registered) > MaxClients)
        {
            return Error("invalid_client_metadata", "too many clients are registered; restart the development server");
        }

        var name = metadata["client_name"] is JsonValue n && n.TryGetValue<string>(out var text) && text.Length <= 200 ? text : "MCP client";
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = "dev-" + Guid.NewGuid().ToString("n"),
            ClientType = ClientTypes.Public,
            DisplayName = name,
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Prefixes.Scope + Retrieval.Tenancy.TenantPrincipal.ReadScope,
                Permissions.Prefixes.Scope + Retrieval.Tenancy.TenantPrincipal.WriteScope,
                Permissions.Prefixes.Resource + auth.Value.ResourceUrl,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var redirect in redirects)
        {
            descriptor.RedirectUris.Add(new Uri(redirect!));
        }

        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor, context.RequestAborted);
        return Results.Json(new JsonObject
        {
            ["client_id"] = descriptor.ClientId,
            ["client_id_issued_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["client_name"] = name,
            ["redirect_uris"] = new JsonArray([.. redirects.Select(r => (JsonNode)JsonValue.Create(r!))]),
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["token_endpoint_auth_method"] = "none",
            ["scope"] = string.Join(' ', DevAuthorizationServer.TenantPrincipalScopes),
        }, statusCode: StatusCodes.Status201Created);
    }

    private static bool IsRedirect(string? value) =>
        value is { Length: <= 2000 } && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https" && uri.Fragment.Length == 0 && string.IsNullOrEmpty(uri.UserInfo);

    private static IResult Error(string code, string description) =>
        Results.Json(new JsonObject { ["error"] = code, ["error_description"] = description }, statusCode: StatusCodes.Status400BadRequest);
}

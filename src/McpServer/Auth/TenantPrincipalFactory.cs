using System.Security.Claims;
using McpRag.Retrieval.Tenancy;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Auth;

/// <summary>
/// Turns the claims of a validated token into a <see cref="TenantPrincipal"/>, or says in one line why not.
/// The tenant claim must be present exactly once, a string, and a well-formed tenant id: a token that is
/// ambiguous about its tenant is refused, never guessed at.
/// </summary>
public sealed class TenantPrincipalFactory(IOptions<AuthOptions> options) : ITenantPrincipalFactory
{
    private readonly string _tenantClaim = options.Value.TenantClaim;
    private readonly string _scopeClaim = options.Value.ScopeClaim;

    public (TenantPrincipal? Principal, string? Error) Create(ClaimsPrincipal user)
    {
        var tenantClaims = user.FindAll(_tenantClaim).ToList();
        if (tenantClaims.Count == 0)
        {
            return (null, $"token has no '{_tenantClaim}' claim");
        }

        if (tenantClaims.Count > 1)
        {
            return (null, $"token's '{_tenantClaim}' claim must be a single value");
        }

        var claim = tenantClaims[0];
        if (claim.ValueType != ClaimValueTypes.String || !IsJsonString(user, _tenantClaim))
        {
            return (null, $"token's '{_tenantClaim}' claim must be a string");
        }

        if (!TenantId.IsValid(claim.Value))
        {
            return (null, $"token's '{_tenantClaim}' claim is not a valid tenant id");
        }

        var subject = user.FindFirst("sub")?.Value;
        if (string.IsNullOrWhiteSpace(subject))
        {
            return (null, "token has no 'sub' claim");
        }

        var scopes = new HashSet<string>(StringComparer.Ordinal);
        // One claim only, the configured one; a JSON array (Okta's scp) arrives as one claim per element.
        foreach (var scope in user.FindAll(_scopeClaim))
        {
            scopes.UnionWith(scope.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        var expires = long.TryParse(user.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : DateTimeOffset.MinValue;
        var token = user.Identities.Select(i => i.BootstrapContext as string).FirstOrDefault(t => !string.IsNullOrEmpty(t));
        return (new TenantPrincipal(claim.Value, subject, scopes, expires) { AccessToken = token }, null);
    }

    /// <summary>
    /// Whether the claim is a JSON string in the token itself: the claims library turns a one-element array
    /// (<c>["tenant-a"]</c>) into the same claim as the string, so the validated token's payload is read.
    /// </summary>
    private static bool IsJsonString(ClaimsPrincipal user, string claimName)
    {
        var encoded = user.Identities.Select(i => i.BootstrapContext as string).FirstOrDefault(t => !string.IsNullOrEmpty(t));
        if (encoded is null)
        {
            return false;
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(new JsonWebToken(encoded).EncodedPayload));
        return payload.RootElement.TryGetProperty(claimName, out var value) && value.ValueKind == JsonValueKind.String;
    }
}

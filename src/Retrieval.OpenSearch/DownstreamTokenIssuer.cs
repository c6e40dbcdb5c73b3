using System.Security.Cryptography;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Mints the short-lived JWT the server presents to OpenSearch instead of the caller's token (no token passthrough):
/// <c>sub</c> = the caller, <c>roles</c> = the tenant id (OpenSearch maps that backend role to the tenant's role),
/// <c>tenant_id</c> = the tenant (read by DLS as <c>${attr.jwt.tenant_id}</c>), <c>aud</c> = the OpenSearch domain.
/// </summary>
public sealed class DownstreamTokenIssuer(DownstreamSigningKey key, IOptions<OpenSearchOptions> options, TimeProvider time)
{
    public const string RolesClaim = "roles";
    public const string TenantClaim = "tenant_id";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issue(TenantPrincipal principal, string audience)
    {
        var lifetime = options.Value.TokenLifetime <= TimeSpan.Zero || options.Value.TokenLifetime > OpenSearchOptions.MaxTokenLifetime
            ? OpenSearchOptions.MaxTokenLifetime
            : options.Value.TokenLifetime;
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key.PrivateKey, SecurityAlgorithms.RsaSha256),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = principal.Subject,
                [RolesClaim] = new[] { principal.TenantId },
                [TenantClaim] = principal.TenantId,
                [JwtRegisteredClaimNames.Jti] = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant(),
            },
        });
    }
}

using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Auth;

/// <summary>Mints development tokens with the local development key, for <c>token issue</c> and <c>demo</c>.</summary>
internal sealed class DevTokenIssuer(DevSigningKey key, IOptions<AuthOptions> options)
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    public string Issue(string tenantId, string subject, IEnumerable<string> scopes, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = DevSigningKey.Issuer,
            Audience = options.Value.ResourceUrl,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Subject = new ClaimsIdentity([
                new Claim("sub", subject),
                new Claim(options.Value.TenantClaim, tenantId),
                new Claim(options.Value.ScopeClaim, string.Join(' ', scopes.Distinct(StringComparer.Ordinal))),
            ]),
            SigningCredentials = new SigningCredentials(key.PrivateKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}

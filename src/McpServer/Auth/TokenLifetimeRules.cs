using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Auth;

/// <summary>
/// The lifetime rules of both transports, run as the token library's lifetime validator: the library's own checks
/// (<c>exp</c> present and not passed, <c>nbf</c> reached, each within the clock skew), then two it leaves out. A
/// token may not live longer than <see cref="AuthOptions.MaxTokenLifetime"/> (a stolen token with <c>exp</c> in year
/// 9999 would otherwise never stop working), and it may not claim to be issued in the future (<c>iat</c> beyond the skew).
/// </summary>
internal sealed class TokenLifetimeRules(TimeSpan maxLifetime, TimeProvider time)
{
    /// <summary>A <see cref="LifetimeValidator"/>: returns <c>true</c>, or throws a <see cref="SecurityTokenInvalidLifetimeException"/>.</summary>
    public bool Validate(DateTime? notBefore, DateTime? expires, SecurityToken securityToken, TokenValidationParameters parameters)
    {
        var library = parameters.Clone();
        library.LifetimeValidator = null;
        Validators.ValidateLifetime(notBefore, expires, securityToken, library);

        var now = time.GetUtcNow().UtcDateTime;
        var issuedAt = securityToken is JsonWebToken jwt && jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat)
            ? DateTimeOffset.FromUnixTimeSeconds(iat).UtcDateTime
            : (DateTime?)null;
        if (issuedAt > now + parameters.ClockSkew)
        {
            throw new TokenLifetimeException("token is issued in the future");
        }

        var start = issuedAt ?? now;
        if (expires!.Value - start > maxLifetime)
        {
            throw new TokenLifetimeException("token lifetime is longer than this server accepts");
        }

        return true;
    }
}

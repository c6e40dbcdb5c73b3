using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Auth;

/// <summary>
/// Validates a bearer token outside the ASP.NET pipeline (stdio), with exactly the rules JwtBearer applies on HTTP.
/// Failure reasons are short and generic: they tell the caller what to fix without echoing token contents.
/// </summary>
public sealed class TokenValidator(TokenValidationSetup setup)
{
    /// <summary>Tokens larger than this are refused before parsing.</summary>
    public const int MaxTokenLength = 16 * 1024;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, MaximumTokenSizeInBytes = MaxTokenLength };

    public async Task<(ClaimsPrincipal? User, string? Error)> ValidateAsync(string token)
    {
        if (token.Length > MaxTokenLength)
        {
            return (null, "token is too large");
        }

        var result = await _handler.ValidateTokenAsync(token, setup.Parameters);
        if (!result.IsValid)
        {
            return (null, Describe(result.Exception));
        }

        var user = new ClaimsPrincipal(result.ClaimsIdentity);
        KeepToken(user, result.SecurityToken);
        return (user, null);
    }

    /// <summary>
    /// Keeps the validated token on the identity (<see cref="ClaimsIdentity.BootstrapContext"/>), where
    /// <see cref="TenantPrincipalFactory"/> picks it up for backends that exchange it for upstream credentials
    /// (Amazon Q index). It is never forwarded as is nor logged.
    /// </summary>
    public static void KeepToken(ClaimsPrincipal user, SecurityToken? token)
    {
        if (token is JsonWebToken jwt && user.Identity is ClaimsIdentity identity)
        {
            identity.BootstrapContext = jwt.EncodedToken;
        }
    }

    /// <summary>Maps validation failures to the reason a caller can act on.</summary>
    public static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "token has expired",
        TokenLifetimeException lifetime => lifetime.Message,
        SecurityTokenNotYetValidException => "token is not yet valid",
        SecurityTokenInvalidAudienceException => "token is not issued for this server (audience)",
        SecurityTokenInvalidIssuerException => "token issuer is not trusted",
        SecurityTokenInvalidAlgorithmException => "token signature algorithm is not allowed",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "token signature is not valid",
        SecurityTokenNoExpirationException => "token has no expiry",
        SecurityTokenInvalidTypeException => "token header or type is not accepted",
        _ => "token is not valid",
    };
}

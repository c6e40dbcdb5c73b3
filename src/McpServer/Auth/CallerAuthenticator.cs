using System.Security.Claims;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Auth;

/// <summary>
/// The caller of one MCP request as a <see cref="TenantPrincipal"/>, on either transport: over HTTP the principal the
/// JwtBearer handler validated; over stdio the token from <c>MCPRAG_TOKEN</c> or the token file, validated now, so an
/// expired or replaced token takes effect on the next request.
/// </summary>
public sealed class CallerAuthenticator(TenantPrincipalFactory principals, TokenValidator validator, StdioTokenSource? stdioTokens = null)
{
    /// <summary><c>http</c> or <c>stdio</c>, for the audit trail.</summary>
    public string Transport => stdioTokens is null ? "http" : "stdio";

    /// <summary>The caller, or an <c>unauthenticated</c> <see cref="RetrievalException"/> with the one-line reason.</summary>
    public async Task<TenantPrincipal> AuthenticateAsync(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            user = null;
            if (stdioTokens is not null)
            {
                var (token, error) = stdioTokens.Current();
                if (token is null)
                {
                    throw new RetrievalException(RetrievalErrorCode.Unauthenticated, error!);
                }

                (user, error) = await validator.ValidateAsync(token);
                if (user is null)
                {
                    throw new RetrievalException(RetrievalErrorCode.Unauthenticated, error!);
                }
            }
        }

        if (user is null)
        {
            throw new RetrievalException(RetrievalErrorCode.Unauthenticated, "no token");
        }

        var (principal, reason) = principals.Create(user);
        return principal ?? throw new RetrievalException(RetrievalErrorCode.Unauthenticated, reason!);
    }
}

using System.Security.Claims;
using McpRag.McpServer.Auth;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// Authenticate: the caller of one request as a <see cref="TenantPrincipal"/>, resolved once and kept in the
/// <see cref="CallContext"/>. Over HTTP the JwtBearer handler validates the token and hands the claims to
/// <see cref="Resolve"/>; over stdio the token from <c>MCPRAG_TOKEN</c> or the token file is validated for each
/// message, so an expired or replaced token takes effect on the next request.
/// </summary>
internal sealed class AuthenticateStage(ITenantPrincipalFactory principals, TokenValidator validator, StdioTokenSource? stdioTokens = null)
{
    /// <summary><c>http</c> or <c>stdio</c>, for the audit trail.</summary>
    public string Transport => stdioTokens is null ? "http" : "stdio";

    /// <summary>Resolves the principal of a validated token into <paramref name="call"/>; the one-line reason when the claims do not make one.</summary>
    public string? Resolve(CallContext call, ClaimsPrincipal user)
    {
        var (principal, error) = principals.Create(user);
        call.Caller = principal;
        return error;
    }

    /// <summary>The caller of <paramref name="call"/>, or an <c>unauthenticated</c> <see cref="RetrievalException"/> with the one-line reason.</summary>
    public async ValueTask<TenantPrincipal> RunAsync(CallContext call, ClaimsPrincipal? user)
    {
        if (call.Caller is { } resolved)
        {
            return resolved;
        }

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

        return Resolve(call, user) is { } reason
            ? throw new RetrievalException(RetrievalErrorCode.Unauthenticated, reason)
            : call.Caller!;
    }
}

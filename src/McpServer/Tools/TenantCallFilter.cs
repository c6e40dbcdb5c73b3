using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using McpRag.McpServer.Auth;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Runs around every tool call, on both transports: authenticate (HTTP: the JwtBearer result; stdio: the token
/// source, validated now), check the tool's scope, resolve the tenant's route, run the tool, and turn failures into
/// tool errors. Unexpected exceptions are logged and reported as a bare <c>backend_error</c> so nothing internal
/// (stack, host, path, other tenants) reaches the caller.
/// </summary>
public sealed class TenantCallFilter(
    TenantPrincipalFactory principals,
    TokenValidator validator,
    ITenantDirectory directory,
    BackendRegistry backends,
    ILogger<TenantCallFilter> logger,
    StdioTokenSource? stdioTokens = null)
{
    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        var tool = context.Params?.Name ?? string.Empty;
        var started = Stopwatch.GetTimestamp();
        string? tenant = null;
        string? subject = null;
        CallToolResult result;
        try
        {
            var (principal, user) = await AuthenticateAsync(context.User);
            (tenant, subject) = (principal.TenantId, principal.Subject);
            var scope = ToolScopes.For(tool);
            if (!principal.HasScope(scope))
            {
                throw new RetrievalException(RetrievalErrorCode.Forbidden, $"this tool needs the '{scope}' scope");
            }

            var route = await directory.FindAsync(principal.TenantId, cancellationToken)
                ?? throw new RetrievalException(RetrievalErrorCode.TenantNotProvisioned, "the caller's tenant is not provisioned on this server");
            new ToolCall(principal, route, backends.Get(route)).Attach(context);
            using (CallerToken.Use(RawToken(user)))
            {
                result = await next(context, cancellationToken);
            }
        }
        catch (RetrievalException ex)
        {
            result = ToolErrors.From(ex);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidCastException)
        {
            // Argument binding failed before the tool ran: the arguments do not match the input schema.
            result = ToolErrors.From(RetrievalException.Invalid("arguments do not match the tool's input schema"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Tool {Tool} failed for tenant {Tenant}", tool, tenant);
            result = ToolErrors.From(new RetrievalException(RetrievalErrorCode.BackendError, "the request could not be completed"));
        }

        logger.LogInformation(
            "tool={Tool} tenant={Tenant} subject={Subject} outcome={Outcome} ms={Elapsed:F1}",
            tool, tenant ?? "-", subject ?? "-", result.IsError == true ? "error" : "ok", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    /// <summary>The validated token as sent (kept on the identity after validation), for jwt-passthrough routes only.</summary>
    private static string? RawToken(ClaimsPrincipal user) => (user.Identity as ClaimsIdentity)?.BootstrapContext as string;

    private async Task<(TenantPrincipal Principal, ClaimsPrincipal User)> AuthenticateAsync(ClaimsPrincipal? user)
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
        return (principal ?? throw new RetrievalException(RetrievalErrorCode.Unauthenticated, reason!), user);
    }
}

using System.Globalization;
using McpRag.McpServer.Auth;
using McpRag.Retrieval.Tenancy;
using McpRag.McpServer.Throttling;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// HTTP-level checks on an authenticated MCP request, before the MCP handler sees it. A <c>tools/call</c> whose
/// token lacks the tool's scope gets 403 with <c>WWW-Authenticate: Bearer error="insufficient_scope"</c> (as the MCP
/// authorization spec asks, so a client can step up). Other requests count against the tenant's quota here (see
/// <see cref="IsCounted"/>) and get 429 with <c>Retry-After</c> when over it; tool calls and resource reads are counted
/// by the call filter instead, on both transports, where they get a <c>throttled</c> error.
/// </summary>
public sealed class McpRequestGate(
    RequestDelegate next,
    TenantPrincipalFactory principals,
    ToolScopes scopes,
    ITenantDirectory directory,
    ITenantThrottle throttle,
    IOptions<HttpServerTransportOptions> transport,
    IOptions<HttpSecurityOptions> limits,
    TenantSessions sessions,
    IOptions<AuthOptions> auth)
{
    /// <summary>How long a tenant at its session cap is asked to wait: sessions end when closed or idle.</summary>
    private const int SessionRetryAfterSeconds = 60;

    private readonly int _maxSessions = limits.Value.MaxSessionsPerTenant;

    private readonly string _resourceMetadata = auth.Value.ResourceMetadataUrl()!;

    /// <summary>A stateful session costs memory for as long as it lives, so opening one is counted like any request.</summary>
    private readonly bool _initializeIsCounted = transport.Value.SessionMode != HttpServerSessionMode.Stateless;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.User.Identity?.IsAuthenticated != true
            || principals.Create(context.User).Principal is not { } principal)
        {
            await next(context);
            return;
        }

        // Fails closed: without the summary the scope check below could not run.
        var (method, tool, hasId) = McpRequestSummary.Of(context)
            ?? throw new InvalidOperationException($"{nameof(RequestLimitsMiddleware)} must run before {nameof(McpRequestGate)}");
        if (method == "tools/call" && tool is not null)
        {
            // An unknown tool is counted and refused by the call filter, like every tool call.
            if (scopes.For(tool) is { } scope && !principal.HasScope(scope))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.Headers.WWWAuthenticate =
                    $"Bearer error=\"insufficient_scope\", scope=\"{scope}\", resource_metadata=\"{_resourceMetadata}\", error_description=\"this tool needs the '{scope}' scope\"";
                return;
            }

            await next(context);
            return;
        }

        if (method == "initialize" && _initializeIsCounted && sessions.OpenFor(principal.TenantId) >= _maxSessions)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = SessionRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return;
        }

        if (method is not null && IsCounted(method, hasId) && await directory.FindAsync(principal.TenantId, context.RequestAborted) is { } route)
        {
            using var lease = await throttle.AcquireAsync(route, principal, context.RequestAborted);
            if (!lease.IsAdmitted)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(lease.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return;
            }
        }

        await next(context);
    }

    /// <summary>
    /// <c>server/discover</c>, <c>ping</c>, stateless <c>initialize</c> and true notifications (no id) are free here;
    /// <c>resources/read</c> is counted by the call filter (on both transports, like tool calls); every other request,
    /// unknown methods and "notifications" sent with an id included, uses the quota here.
    /// </summary>
    private bool IsCounted(string method, bool hasId) => method switch
    {
        "server/discover" or "ping" or "resources/read" => false,
        "initialize" => _initializeIsCounted,
        _ => hasId || !method.StartsWith("notifications/", StringComparison.Ordinal),
    };
}

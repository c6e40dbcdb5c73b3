using System.Globalization;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Pipeline;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// HTTP-level refusals of an authenticated MCP request, made by the pipeline's own stages before the MCP handler
/// sees it. A <c>tools/call</c> whose token lacks the tool's scope (<see cref="AuthorizeStage"/>) gets 403 with
/// <c>WWW-Authenticate: Bearer error="insufficient_scope"</c> (as the MCP authorization spec asks, so a client can step
/// up). Other requests count against the tenant's quota here (<see cref="ThrottleStage"/>, see <see cref="IsCounted"/>)
/// and get 429 with <c>Retry-After</c> when over it; tool calls and resource reads are counted by
/// <see cref="CallPipeline"/> instead, on both transports, where they get a <c>throttled</c> error.
/// </summary>
internal sealed class McpRequestGate(
    RequestDelegate next,
    AuthorizeStage authorize,
    RouteStage routes,
    ThrottleStage throttle,
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
        var call = context.Features.Get<CallContext>();
        if (!HttpMethods.IsPost(context.Request.Method) || call?.Caller is not { } principal)
        {
            await next(context);
            return;
        }

        // Fails closed: without the summary the scope check below could not run.
        var (method, tool, hasId) = call.Request
            ?? throw new InvalidOperationException($"{nameof(RequestLimitsMiddleware)} must run before {nameof(McpRequestGate)}");
        if (method == "tools/call" && tool is not null)
        {
            // An unknown tool is counted and refused by the call pipeline, like every tool call.
            if (authorize.MissingScope(principal, tool) is { } scope)
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

        if (method is not null && IsCounted(method, hasId) && await routes.FindAsync(call, principal, context.RequestAborted) is { } route)
        {
            var refusal = await throttle.AdmitAsync(call, route, principal, context.RequestAborted);
            call.ReleaseLease();
            if (refusal is { RetryAfter: { } retryAfter })
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return;
            }
        }

        await next(context);
    }

    /// <summary>
    /// <c>server/discover</c>, <c>ping</c>, stateless <c>initialize</c> and true notifications (no id) are free here;
    /// <c>resources/read</c> is counted by the call pipeline (on both transports, like tool calls); every other request,
    /// unknown methods and "notifications" sent with an id included, uses the quota here.
    /// </summary>
    private bool IsCounted(string method, bool hasId) => method switch
    {
        "server/discover" or "ping" or "resources/read" => false,
        "initialize" => _initializeIsCounted,
        _ => hasId || !method.StartsWith("notifications/", StringComparison.Ordinal),
    };
}

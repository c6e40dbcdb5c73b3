using System.Net;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// DNS-rebinding protection for the MCP endpoint (and the development authorization server's <c>/connect</c> pages),
/// as the MCP transport specification asks: a request whose
/// <c>Origin</c> is neither loopback (on a loopback connection) nor listed in <c>McpRag:Http:AllowedOrigins</c>
/// gets 403, and so does a request that arrived on loopback but names a <c>Host</c> that is not loopback or listed
/// in <c>McpRag:Http:AllowedHosts</c>. Requests without an <c>Origin</c> (non-browser clients) pass the origin check.
/// It runs before authentication, so a page in a browser learns nothing, not even whether a token would work.
/// </summary>
internal sealed class OriginValidationMiddleware(RequestDelegate next, IOptions<HttpSecurityOptions> options)
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private readonly HashSet<string> _allowedOrigins = new(
        options.Value.AllowedOrigins.Select(NormalizeOrigin).OfType<string>(), StringComparer.OrdinalIgnoreCase);

    private readonly HashSet<string> _allowedHosts = new(options.Value.AllowedHosts.Select(h => h.Trim()), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        // The MCP endpoint, and the development authorization server's pages (its sign-in form issues tokens).
        if (!HttpServerHost.IsMcpPath(context.Request.Path)
            && !context.Request.Path.StartsWithSegments(Auth.DevServer.DevAuthorizationServer.PathPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        var loopback = context.Connection.LocalIpAddress is { } local && IPAddress.IsLoopback(local);
        if (!HostAllowed(context.Request.Host, loopback))
        {
            return RefuseAsync(context, "host not allowed");
        }

        var origins = context.Request.Headers.Origin;
        if (origins.Count > 1 || (origins.Count == 1 && !OriginAllowed(origins[0], loopback)))
        {
            return RefuseAsync(context, "origin not allowed");
        }

        return next(context);
    }

    /// <summary><c>scheme://host[:port]</c> in lower case, without a default port, or <c>null</c> when it is not an origin.</summary>
    public static string? NormalizeOrigin(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/" || !string.IsNullOrEmpty(uri.UserInfo) || uri.Fragment.Length > 0)
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}".ToLowerInvariant() : $"{uri.Scheme}://{uri.Host}:{uri.Port}".ToLowerInvariant();
    }

    private bool HostAllowed(HostString host, bool loopback)
    {
        if (!host.HasValue)
        {
            return !loopback && _allowedHosts.Count == 0;
        }

        if (_allowedHosts.Contains(host.Value) || _allowedHosts.Contains(host.Host))
        {
            return true;
        }

        return loopback ? IsLoopbackHost(host.Host) : _allowedHosts.Count == 0;
    }

    private bool OriginAllowed(string? origin, bool loopback)
    {
        var normalized = NormalizeOrigin(origin);
        if (normalized is null)
        {
            return false;
        }

        return _allowedOrigins.Contains(normalized)
            || (loopback && IsLoopbackHost(new Uri(normalized).Host));
    }

    private static bool IsLoopbackHost(string host) => LoopbackHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    private static Task RefuseAsync(HttpContext context, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($"{{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{{\"code\":-32600,\"message\":\"forbidden: {reason}\"}}}}", context.RequestAborted);
    }
}

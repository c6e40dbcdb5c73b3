using System.Diagnostics;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Hosting;

namespace McpRag.McpServer.Audit;

/// <summary>
/// First in the HTTP pipeline: gives each request its id, and records an audit event for every MCP request that is
/// refused before reaching a tool (401, 403, 429, 4xx limits). Tool calls themselves are audited by the call filter,
/// so each request yields exactly one event.
/// </summary>
public sealed class RejectedRequestAudit(RequestDelegate next, CallRecorder recorder, TenantPrincipalFactory principals)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.TraceIdentifier = RequestIds.From(context.Request.Headers[RequestIds.Header].FirstOrDefault());
        context.Response.Headers[RequestIds.Header] = context.TraceIdentifier;
        var started = Stopwatch.GetTimestamp();
        await next(context);

        if (!context.Request.Path.StartsWithSegments(HttpServerHost.McpPath) || AuditOutcome.OfStatus(context.Response.StatusCode) is not { } outcome)
        {
            return;
        }

        var principal = context.User.Identity?.IsAuthenticated == true ? principals.Create(context.User).Principal : null;
        recorder.Record(new AuditEvent
        {
            Time = DateTimeOffset.UtcNow,
            RequestId = context.TraceIdentifier,
            Transport = "http",
            Tenant = principal?.TenantId,
            Subject = principal?.Subject,
            Tool = McpRequestSummary.Of(context)?.Tool,
            Outcome = outcome,
            Error = $"http_{context.Response.StatusCode}",
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        });
    }
}

using McpRag.McpServer.Hosting;
using McpRag.McpServer.Pipeline;

namespace McpRag.McpServer.Audit;

/// <summary>
/// First in the HTTP pipeline: gives each request its id and its <see cref="CallContext"/> (which every later stage
/// decides into), and records an audit event for every MCP request refused over HTTP before reaching a tool (401,
/// 403, 429 and the 4xx of the request limits). Tool calls and resource reads are audited by
/// <see cref="CallPipeline"/>, so each request yields exactly one event.
/// </summary>
internal sealed class RejectedRequestAudit(RequestDelegate next, AuditStage audit)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.TraceIdentifier = RequestIds.From(context.Request.Headers[RequestIds.Header].FirstOrDefault());
        context.Response.Headers[RequestIds.Header] = context.TraceIdentifier;
        var call = new CallContext("http", context.TraceIdentifier);
        context.Features.Set(call);
        await next(context);

        if (context.Request.Path.StartsWithSegments(HttpServerHost.McpPath))
        {
            audit.Recorded(call, context.Response.StatusCode);
        }
    }
}

using McpRag.McpServer.Telemetry;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// Call: hands the bound <see cref="CallContext"/> to the tool or resource handler and runs it. The handler takes the
/// caller, route and backend from the context (<see cref="CallContext.For"/>) and reports what the audit trail needs
/// (query, mode, hit count) back into it; a handler reached without this stage fails closed.
/// </summary>
internal static class CallStage
{
    public static async ValueTask<TResult> RunAsync<TParams, TResult>(
        CallContext call,
        RequestContext<TParams> context,
        McpRequestHandler<TParams, TResult> next,
        CancellationToken cancellationToken)
        where TResult : Result
    {
        call.AttachTo(context);
        using (McpRagTelemetry.Source.StartActivity("backend"))
        {
            return await next(context, cancellationToken);
        }
    }
}

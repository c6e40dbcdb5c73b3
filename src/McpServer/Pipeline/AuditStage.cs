using System.Diagnostics;
using McpRag.McpServer.Audit;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// Audit: exactly one event per MCP request, made from the <see cref="CallContext"/> alone — who (tenant, subject),
/// what (tool, mode, query hash), where (backend), the outcome, latency and hit count; never the token. Tool calls and
/// resource reads are recorded by <see cref="CallPipeline"/> when they end; HTTP requests refused before reaching one
/// (401, 403, 429, 4xx limits) by <see cref="Recorded"/> from the response status.
/// </summary>
internal sealed class AuditStage(CallRecorder recorder)
{
    /// <summary>Records the end of a tool call or resource read.</summary>
    public string Record(CallContext call)
    {
        var (error, outcome) = call.Cancelled ? (null, AuditOutcome.Cancelled)
            : call.Failure is { } failure ? ErrorCodes.Of(failure.Code)
            : ((string?)null, AuditOutcome.Ok);
        var audit = Event(call, outcome) with
        {
            Backend = call.Backend?.Name,
            Mode = call.Search?.Mode,
            Error = error,
            Hits = call.Failure is null && !call.Cancelled ? call.Hits : null,
            Sources = call.Sources,
        };
        recorder.Record(call.Search is { Query: var query } ? recorder.WithQuery(audit, query) : audit);
        return outcome;
    }

    /// <summary>Records an HTTP request refused before it reached a tool, when <paramref name="status"/> is a refusal.</summary>
    public void Recorded(CallContext call, int status)
    {
        if (AuditOutcome.OfStatus(status) is { } outcome)
        {
            recorder.Record(Event(call, outcome) with { Tool = call.Request?.Tool, Error = $"http_{status}" });
        }
    }

    private static AuditEvent Event(CallContext call, string outcome) => new()
    {
        Time = call.Time,
        RequestId = call.RequestId,
        Transport = call.Transport,
        Tenant = call.Caller?.TenantId,
        Subject = call.Caller?.Subject,
        Tool = call.Operation,
        Outcome = outcome,
        LatencyMs = call.Elapsed.TotalMilliseconds,
    };
}

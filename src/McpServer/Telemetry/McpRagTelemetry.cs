using System.Diagnostics;
using System.Diagnostics.Metrics;
using McpRag.McpServer.Audit;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Telemetry;

/// <summary>
/// The server's traces (a span per tool call with auth, route, throttle and backend children) and metrics
/// (calls, latency, throttled, errors by tool and outcome). Both are plain System.Diagnostics instruments, so they
/// cost nothing until a listener (OpenTelemetry, dotnet-counters) subscribes.
/// </summary>
internal sealed class McpRagTelemetry
{
    public const string Name = "McpRag";

    /// <summary>
    /// The MCP SDK's own source. Its request span continues the client's trace context (<c>traceparent</c> in the
    /// request's <c>_meta</c>), so tracing it makes this server's spans children of the client's trace.
    /// </summary>
    public const string SdkSourceName = "Experimental.ModelContextProtocol";

    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _errors;
    private readonly bool _tenantDimension;

    public McpRagTelemetry(IMeterFactory meters, IOptions<TelemetryOptions> options, AuditLog audit)
    {
        var meter = meters.Create(Name);
        _calls = meter.CreateCounter<long>("mcprag.tool.calls", description: "Tool calls and requests refused before a tool, by tool and outcome.");
        _duration = meter.CreateHistogram<double>("mcprag.tool.duration", unit: "ms", description: "Tool call latency.");
        _throttled = meter.CreateCounter<long>("mcprag.tool.throttled", description: "Calls refused by a quota.");
        _errors = meter.CreateCounter<long>("mcprag.tool.errors", description: "Calls that ended in an error other than throttling.");
        meter.CreateObservableCounter("mcprag.audit.dropped", () => audit.Dropped, description: "Audit events the file writer could not keep up with.");
        _tenantDimension = options.Value.TenantDimension;
    }

    public void Record(AuditEvent audit)
    {
        var tags = new TagList { { "tool", audit.Tool ?? "-" }, { "outcome", audit.Outcome } };
        if (_tenantDimension && audit.Tenant is not null)
        {
            tags.Add("tenant", audit.Tenant);
        }

        _calls.Add(1, tags);
        _duration.Record(audit.LatencyMs, tags);
        if (audit.Outcome == AuditOutcome.Throttled)
        {
            _throttled.Add(1, tags);
        }
        else if (audit.Outcome != AuditOutcome.Ok)
        {
            _errors.Add(1, tags);
        }
    }
}

using McpRag.McpServer.Telemetry;

namespace McpRag.McpServer.Audit;

/// <summary>The one place a finished call is recorded: the audit trail and the metrics see the same event.</summary>
public sealed class CallRecorder(AuditLog audit, McpRagTelemetry telemetry)
{
    public AuditEvent WithQuery(AuditEvent audit1, string? query) => audit.WithQuery(audit1, query);

    public void Record(AuditEvent audit1)
    {
        audit.Write(audit1);
        telemetry.Record(audit1);
    }
}

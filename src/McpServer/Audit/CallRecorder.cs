using McpRag.McpServer.Telemetry;

namespace McpRag.McpServer.Audit;

/// <summary>The one place a finished call is recorded: the audit trail and the metrics see the same event.</summary>
internal sealed class CallRecorder(AuditLog auditLog, McpRagTelemetry telemetry)
{
    public AuditEvent WithQuery(AuditEvent audit, string? query) => auditLog.WithQuery(audit, query);

    public void Record(AuditEvent audit)
    {
        auditLog.Write(audit);
        telemetry.Record(audit);
    }
}

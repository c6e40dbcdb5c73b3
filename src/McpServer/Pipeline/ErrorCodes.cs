using McpRag.McpServer.Audit;
using McpRag.Retrieval.Search;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// The one map from a <see cref="RetrievalErrorCode"/> to what the caller is told (the code of the <c>code: reason</c>
/// text) and to the audit trail's coarser outcome, so the two can never disagree about an error.
/// </summary>
internal static class ErrorCodes
{
    public static (string Code, string Outcome) Of(RetrievalErrorCode code) => code switch
    {
        RetrievalErrorCode.InvalidArgument => ("invalid_argument", AuditOutcome.InvalidArgument),
        RetrievalErrorCode.Unauthenticated => ("unauthenticated", AuditOutcome.Unauthenticated),
        RetrievalErrorCode.Forbidden => ("forbidden", AuditOutcome.Forbidden),
        RetrievalErrorCode.NotFound => ("not_found", AuditOutcome.NotFound),
        RetrievalErrorCode.TenantNotProvisioned => ("tenant_not_provisioned", AuditOutcome.Forbidden),
        RetrievalErrorCode.Throttled => ("throttled", AuditOutcome.Throttled),
        RetrievalErrorCode.BackendUnavailable => ("backend_unavailable", AuditOutcome.BackendError),
        _ => ("backend_error", AuditOutcome.BackendError),
    };
}

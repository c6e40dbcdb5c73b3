namespace McpRag.Retrieval.Search;

/// <summary>
/// Errors a caller can act on. Each maps to a tool error whose text starts with the snake_case name.
/// </summary>
public enum RetrievalErrorCode
{
    InvalidArgument,
    Unauthenticated,
    Forbidden,
    NotFound,
    TenantNotProvisioned,
    Throttled,
    BackendUnavailable,
    BackendError,
}

using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Maps OpenSearch failures to caller-safe errors: the message names no host, index, role or other tenant; the
/// detail goes to the server log only.
/// </summary>
public static class OpenSearchErrors
{
    public static RetrievalException ToRetrieval(OpenSearchRequestException ex) => ex.Status switch
    {
        0 => new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the search backend is not reachable; try again shortly"),
        401 or 403 => new RetrievalException(RetrievalErrorCode.Forbidden, "the search backend refused access to the tenant's data"),
        429 => new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the search backend is busy; try again shortly"),
        >= 500 => new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the search backend is not available; try again shortly"),
        _ => new RetrievalException(RetrievalErrorCode.BackendError, "the search backend rejected the request"),
    };
}

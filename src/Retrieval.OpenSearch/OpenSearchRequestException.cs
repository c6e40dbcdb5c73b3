namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// A failed OpenSearch call: status 0 for a transport failure. <see cref="Exception.Message"/> may name hosts and
/// indexes, so it is only ever logged; callers see the message <see cref="OpenSearchErrors"/> maps it to.
/// </summary>
public sealed class OpenSearchRequestException(int status, string? errorType, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The <see cref="ErrorType"/> of an endpoint whose <c>GET /</c> names no OpenSearch distribution and version.</summary>
    public const string NotOpenSearch = "not_opensearch";

    public int Status { get; } = status;

    public string? ErrorType { get; } = errorType;

    /// <summary>
    /// Whether a refused search proves that the cluster cannot run a <c>hybrid</c> query for this route: the query is
    /// unknown (no neural-search plugin), or document-level security wrapped it so it is no longer top level
    /// (neural-search #1303). Anything else (a bad field, a missing pipeline, an overloaded node) proves nothing.
    /// </summary>
    public static bool ProvesNoHybrid(OpenSearchRequestException ex) =>
        ex.Status is 400 or 500
        && (ex.Message.Contains("hybrid query must be a top level query", StringComparison.Ordinal)
            || (ex.Message.Contains("cannot be cast to", StringComparison.Ordinal) && ex.Message.Contains("HybridQuery", StringComparison.Ordinal))
            || (ex.ErrorType is "parsing_exception" or "named_object_not_found_exception" or "x_content_parse_exception"
                && ex.Message.Contains("[hybrid]", StringComparison.Ordinal)));
}

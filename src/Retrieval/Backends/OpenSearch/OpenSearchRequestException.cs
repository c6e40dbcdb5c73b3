namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// A failed OpenSearch call: status 0 for a transport failure. <see cref="Exception.Message"/> may name hosts and
/// indexes, so it is only ever logged; callers see the message <see cref="OpenSearchErrors"/> maps it to.
/// </summary>
public sealed class OpenSearchRequestException(int status, string? errorType, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;

    public string? ErrorType { get; } = errorType;
}

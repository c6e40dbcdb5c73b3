using Amazon.Runtime;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Q Business <c>SearchRelevantContent</c>, signed with the caller's identity-aware credentials. A narrow
/// interface because the service has no SDK package here: only this one operation is ever called.
/// </summary>
public interface ISearchRelevantContentClient
{
    /// <summary>Throws <see cref="QBusinessException"/> for an error answer (after retrying throttling and server errors).</summary>
    Task<SearchRelevantContentResponse> SearchRelevantContentAsync(
        string region, string applicationId, SearchRelevantContentRequest request, ImmutableCredentials credentials, CancellationToken cancellationToken);
}

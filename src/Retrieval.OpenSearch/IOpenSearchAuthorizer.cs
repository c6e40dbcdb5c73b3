namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>Adds the downstream credential to one request: a minted JWT, basic credentials or the scope a SigV4 signature is made for.</summary>
public interface IOpenSearchAuthorizer
{
    /// <summary>
    /// Sets the credential headers, or for SigV4 the signing scope: the signature itself is made per attempt by the
    /// HttpClient's signing handler, so a retried request is signed again.
    /// </summary>
    void Authorize(HttpRequestMessage request);
}

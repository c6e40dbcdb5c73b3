namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>Adds the downstream credential to one request: a minted JWT, a SigV4 signature or basic credentials.</summary>
public interface IOpenSearchAuthorizer
{
    /// <summary>Sets the credential headers; <paramref name="body"/> is the exact payload, which a SigV4 signature covers.</summary>
    ValueTask AuthorizeAsync(HttpRequestMessage request, byte[]? body, CancellationToken cancellationToken);
}

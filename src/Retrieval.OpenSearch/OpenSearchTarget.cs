namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>A cluster endpoint and the credential to present there, for one call.</summary>
public sealed record OpenSearchTarget(Uri Endpoint, IOpenSearchAuthorizer Authorizer);

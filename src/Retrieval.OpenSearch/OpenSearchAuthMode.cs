namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// How the server proves itself to OpenSearch. The default mints the server's own short-lived JWT per call, because
/// the MCP authorization spec forbids passing the caller's token on to another service.
/// </summary>
public enum OpenSearchAuthMode
{
    /// <summary>A JWT signed by this server (<c>sub</c> = caller, <c>roles</c> = tenant), trusted by OpenSearch's <c>jwt_auth_domain</c>.</summary>
    JwtExchange,

    /// <summary>AWS Signature V4 with the server's IAM credentials (service <c>es</c>, or <c>aoss</c> for Serverless).</summary>
    SigV4,

    /// <summary>HTTP basic authentication against a self-managed cluster's internal user database.</summary>
    Basic,

    /// <summary>
    /// Forwards the caller's token unchanged. Not compliant with the MCP authorization spec; only for identity providers
    /// that already issue tokens with OpenSearch in the audience, and only when a route opts in explicitly.
    /// </summary>
    JwtPassthrough,
}

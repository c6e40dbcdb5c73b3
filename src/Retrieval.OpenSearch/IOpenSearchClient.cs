using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The few OpenSearch REST operations McpRag uses, shaped after the official API specification. Kept narrow so the
/// official .NET client can replace the hand-written one without touching the backend.
/// Failures are <see cref="OpenSearchRequestException"/>s carrying the HTTP status and OpenSearch error type.
/// </summary>
public interface IOpenSearchClient
{
    /// <summary>
    /// <c>GET /</c> and <c>GET /_nodes/plugins</c>: the cluster's version (the oldest node's) and its plugins, which
    /// decide the route's query strategy.
    /// </summary>
    Task<OpenSearchCluster> GetClusterAsync(OpenSearchTarget target, CancellationToken cancellationToken);

    /// <summary><c>POST /{index}/_search[?search_pipeline=…]</c>.</summary>
    Task<OpenSearchSearchResponse> SearchAsync(OpenSearchTarget target, string index, JsonObject body, string? searchPipeline, CancellationToken cancellationToken);

    /// <summary><c>POST /{index}/_bulk?refresh=wait_for</c> with an NDJSON body; per-item outcomes, since the call returns 200 even when items fail.</summary>
    Task<IReadOnlyList<OpenSearchBulkItem>> BulkAsync(OpenSearchTarget target, string index, IReadOnlyList<OpenSearchBulkOperation> operations, CancellationToken cancellationToken);

    /// <summary><c>GET /{index}/_mapping</c>; <c>null</c> when the index does not exist.</summary>
    Task<JsonElement?> GetMappingAsync(OpenSearchTarget target, string index, CancellationToken cancellationToken);

    /// <summary><c>PUT /{index}</c>; <c>false</c> when it already exists.</summary>
    Task<bool> CreateIndexAsync(OpenSearchTarget target, string index, JsonObject body, CancellationToken cancellationToken);

    /// <summary><c>PUT /_search/pipeline/{id}</c>.</summary>
    Task PutSearchPipelineAsync(OpenSearchTarget target, string id, JsonObject body, CancellationToken cancellationToken);

    /// <summary><c>PUT /_plugins/_security/api/{resource}/{name}</c> (roles, rolesmapping).</summary>
    Task PutSecurityResourceAsync(OpenSearchTarget target, string resource, string name, JsonObject body, CancellationToken cancellationToken);
}

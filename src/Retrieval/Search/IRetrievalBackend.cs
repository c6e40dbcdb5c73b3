using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Search;

/// <summary>
/// One storage and search engine (local, OpenSearch, Amazon Q index). Every method receives the route and the
/// principal, and must return only data of <see cref="TenantPrincipal.TenantId"/>: a backend that shares storage
/// between tenants enforces the tenant on every query, read and delete itself.
/// </summary>
public interface IRetrievalBackend
{
    /// <summary>The <c>backend</c> value of routes this backend serves.</summary>
    string Name { get; }

    /// <summary>
    /// Checks a route's backend-specific settings once, when the routing table loads, and returns the route with them
    /// bound (<see cref="TenantRoute.Location"/>) for every later call; throws <see cref="FormatException"/> with a
    /// one-line reason when they are invalid.
    /// </summary>
    TenantRoute ValidateRoute(TenantRoute route);

    Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken);

    /// <summary>Returns the whole document, or <c>null</c> when the tenant has no document with that id.</summary>
    Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken);

    /// <summary>
    /// How many passages writing <paramref name="document"/> embeds: what a write is charged against the tenant's
    /// embedding quota. One per document unless the backend splits documents into passages.
    /// </summary>
    int EmbeddingCost(RetrievalDocument document) => 1;

    /// <summary>Adds or replaces documents; returns the number of chunks written.</summary>
    Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken);

    /// <summary>Deletes a document; returns <c>false</c> when the tenant has no document with that id.</summary>
    Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken);
}

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// A backend's own typed settings of a route (an OpenSearch endpoint and index, a Q index application and retriever),
/// read and validated once by the backend when the routing table loads and carried on <see cref="TenantRoute.Location"/>,
/// so no call reads route JSON again.
/// </summary>
public abstract record BackendLocation;

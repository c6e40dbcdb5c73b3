namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// How a tenant's data is separated from other tenants', after the multi-tenant OpenSearch pattern.
/// </summary>
public enum TenantIsolation
{
    /// <summary>The tenant has its own cluster or, for the local backend, its own data root.</summary>
    Domain,

    /// <summary>The tenant has its own index in shared storage.</summary>
    Index,

    /// <summary>Tenants share an index; every chunk carries the tenant id and every query is filtered on it.</summary>
    Document,
}

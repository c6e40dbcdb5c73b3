using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Throttling;

/// <summary>Admits or rejects one call of a tenant's subject against the tenant's quota.</summary>
public interface ITenantThrottle
{
    ValueTask<ThrottleLease> AcquireAsync(TenantRoute route, TenantPrincipal principal, CancellationToken cancellationToken);
}

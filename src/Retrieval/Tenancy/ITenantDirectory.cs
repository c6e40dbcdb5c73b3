namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// The routing table: maps a tenant id (taken from a validated token) to the tenant's route.
/// Returns <c>null</c> for a tenant that is not provisioned.
/// </summary>
public interface ITenantDirectory
{
    ValueTask<TenantRoute?> FindAsync(string tenantId, CancellationToken cancellationToken);
}

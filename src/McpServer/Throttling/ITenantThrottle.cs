using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Throttling;

/// <summary>Admits or rejects one call of a tenant's subject against the tenant's quota, and charges what writes embed.</summary>
internal interface ITenantThrottle
{
    ValueTask<ThrottleLease> AcquireAsync(TenantRoute route, TenantPrincipal principal, CancellationToken cancellationToken);

    /// <summary>The effective quota of a route: its own fields over the configured default.</summary>
    TenantQuota QuotaOf(TenantRoute route);

    /// <summary>
    /// Takes <paramref name="passages"/> (at most <see cref="TenantQuota.MaxChunksPerWrite"/>) from the tenant's
    /// embedding bucket, all or nothing; a rejected charge says when the bucket will hold enough.
    /// </summary>
    ValueTask<ThrottleLease> ChargeEmbeddingAsync(TenantRoute route, int passages, CancellationToken cancellationToken);
}

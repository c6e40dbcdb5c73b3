using System.Threading.RateLimiting;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Throttling;

/// <summary>
/// Admits a call when the tenant has a free concurrency slot (per replica), the subject's bucket has a token and the
/// tenant's bucket has a token, in that order, so a subject that exhausts its own bucket does not drain the tenant's.
/// </summary>
public sealed class TenantThrottle(IRateLimitStore store, IOptions<ThrottlingOptions> options) : ITenantThrottle, IDisposable
{
    private readonly PartitionedRateLimiter<(string Tenant, int Limit)> _concurrency = PartitionedRateLimiter.Create<(string Tenant, int Limit), (string, int)>(key =>
        RateLimitPartition.GetConcurrencyLimiter(key, k => new ConcurrencyLimiterOptions { PermitLimit = k.Limit, QueueLimit = 0 }));

    /// <summary>The effective quota of a route: its own fields over the configured default.</summary>
    public TenantQuota QuotaOf(TenantRoute route) => options.Value.DefaultQuota.Overlay(route.Quota);

    public async ValueTask<ThrottleLease> AcquireAsync(TenantRoute route, TenantPrincipal principal, CancellationToken cancellationToken)
    {
        var quota = QuotaOf(route);
        var slot = _concurrency.AttemptAcquire((route.TenantId, quota.MaxConcurrent));
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            return ThrottleLease.Rejected("concurrency", TimeSpan.FromSeconds(1));
        }

        var buckets = new (BucketKey Key, string Limit)[]
        {
            (new BucketKey(route.TenantId, principal.Subject, quota.SubjectRequestsPerMinute, quota.SubjectBurst), "subject"),
            (new BucketKey(route.TenantId, null, quota.RequestsPerMinute, quota.Burst), "tenant"),
        };
        foreach (var (key, limit) in buckets)
        {
            using var lease = await store.AcquireAsync(key, cancellationToken);
            if (!lease.IsAcquired)
            {
                slot.Dispose();
                return ThrottleLease.Rejected(limit, RetryAfterOf(lease));
            }
        }

        return ThrottleLease.Admitted(slot);
    }

    private static TimeSpan RetryAfterOf(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry
        : lease.TryGetMetadata(RedisRateLimiting.RateLimitMetadataName.RetryAfter, out var seconds) ? TimeSpan.FromSeconds(seconds)
        : TimeSpan.FromSeconds(1);

    public void Dispose() => _concurrency.Dispose();
}

using System.Threading.RateLimiting;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Throttling;

/// <summary>
/// Admits a call when the tenant has a free concurrency slot (per replica), the subject's bucket has a token and the
/// tenant's bucket has a token, in that order, so a subject that exhausts its own bucket does not drain the tenant's.
/// </summary>
internal sealed class TenantThrottle(IRateLimitStore store, IOptions<ThrottlingOptions> options) : ITenantThrottle, IDisposable
{
    private readonly PartitionedRateLimiter<(string Tenant, int Limit)> _concurrency = PartitionedRateLimiter.Create<(string Tenant, int Limit), (string, int)>(key =>
        RateLimitPartition.GetConcurrencyLimiter(key, k => new ConcurrencyLimiterOptions { PermitLimit = k.Limit, QueueLimit = 0 }));

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
            using var lease = await store.AcquireAsync(key, 1, cancellationToken);
            if (!lease.IsAcquired)
            {
                slot.Dispose();
                return ThrottleLease.Rejected(limit, RetryAfterOf(lease));
            }
        }

        return ThrottleLease.Admitted(slot);
    }

    public async ValueTask<ThrottleLease> ChargeEmbeddingAsync(TenantRoute route, int passages, CancellationToken cancellationToken)
    {
        var quota = QuotaOf(route);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(passages, quota.MaxChunksPerWrite);
        if (passages <= 0)
        {
            return ThrottleLease.Admitted(NoSlot.Instance);
        }

        using var lease = await store.AcquireAsync(BucketKey.Embedding(route.TenantId, quota.EmbeddedChunksPerMinute), passages, cancellationToken);
        return lease.IsAcquired ? ThrottleLease.Admitted(NoSlot.Instance) : ThrottleLease.Rejected("embedding", RetryAfterOf(lease));
    }

    private static TimeSpan RetryAfterOf(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry
        : lease.TryGetMetadata(RedisRateLimiting.RateLimitMetadataName.RetryAfter, out var seconds) ? TimeSpan.FromSeconds(seconds)
        : TimeSpan.FromSeconds(1);

    public void Dispose() => _concurrency.Dispose();

    /// <summary>An embedding charge is spent, not held: nothing to give back.</summary>
    private sealed class NoSlot : IDisposable
    {
        public static readonly NoSlot Instance = new();

        public void Dispose()
        {
        }
    }
}

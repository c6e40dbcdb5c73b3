using System.Threading.RateLimiting;

namespace McpRag.McpServer.Throttling;

/// <summary>Token buckets in this process (System.Threading.RateLimiting); idle partitions are cleaned up by the limiter.</summary>
internal sealed class LocalRateLimitStore : IRateLimitStore, IDisposable
{
    private readonly PartitionedRateLimiter<BucketKey> _buckets = PartitionedRateLimiter.Create<BucketKey, BucketKey>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, k => new TokenBucketRateLimiterOptions
        {
            TokenLimit = k.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / k.PerMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public ValueTask<RateLimitLease> AcquireAsync(BucketKey bucket, int permits, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_buckets.AttemptAcquire(bucket, permits));

    public void Dispose() => _buckets.Dispose();
}

using System.Threading.RateLimiting;

namespace McpRag.McpServer.Throttling;

/// <summary>Where token buckets live: this process, or Redis for a quota shared by several replicas.</summary>
internal interface IRateLimitStore
{
    /// <summary>Takes <paramref name="permits"/> tokens (at most the bucket's burst) at once, or none.</summary>
    ValueTask<RateLimitLease> AcquireAsync(BucketKey bucket, int permits, CancellationToken cancellationToken);
}

using System.Threading.RateLimiting;

namespace McpRag.Retrieval.Throttling;

/// <summary>Where token buckets live: this process, or Redis for a quota shared by several replicas.</summary>
public interface IRateLimitStore
{
    ValueTask<RateLimitLease> AcquireAsync(BucketKey bucket, CancellationToken cancellationToken);
}

using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace McpRag.McpServer.Throttling;

/// <summary>
/// Token buckets in Redis (RedisRateLimiting's atomic scripts over StackExchange.Redis), shared by every replica.
/// When Redis cannot be reached the call is decided by this replica's local buckets and a warning is logged (at most
/// every 30 seconds): throttling fails open to local limits, never to no limits.
/// </summary>
internal sealed class RedisRateLimitStore : IRateLimitStore, IDisposable
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(30);

    private readonly Lazy<ConnectionMultiplexer> _redis;
    private readonly PartitionedRateLimiter<BucketKey> _buckets;
    private readonly LocalRateLimitStore _fallback = new();
    private readonly ILogger<RedisRateLimitStore> _logger;
    private long _nextWarning;

    public RedisRateLimitStore(IOptions<ThrottlingOptions> options, ILogger<RedisRateLimitStore> logger)
    {
        _logger = logger;
        var configuration = ConfigurationOptions.Parse(options.Value.Redis!);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2_000);
        configuration.SyncTimeout = Math.Min(configuration.SyncTimeout, 1_000);
        configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, 1_000);
        _redis = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration));
        _buckets = PartitionedRateLimiter.Create<BucketKey, BucketKey>(key =>
            RedisRateLimitPartition.GetTokenBucketRateLimiter(key, k => new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => _redis.Value,
                TokenLimit = k.Burst,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / k.PerMinute,
            }));
    }

    public async ValueTask<RateLimitLease> AcquireAsync(BucketKey bucket, int permits, CancellationToken cancellationToken)
    {
        try
        {
            if (!_redis.Value.IsConnected)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "not connected");
            }

            return await _buckets.AcquireAsync(bucket, permits, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            var now = Environment.TickCount64;
            var next = Interlocked.Read(ref _nextWarning);
            if (now >= next && Interlocked.CompareExchange(ref _nextWarning, now + (long)WarningInterval.TotalMilliseconds, next) == next)
            {
                _logger.LogWarning("Redis throttling store unreachable ({Reason}); using this replica's local limits until it is back", ex.GetType().Name);
            }

            return await _fallback.AcquireAsync(bucket, permits, cancellationToken);
        }
    }

    public void Dispose()
    {
        _buckets.Dispose();
        _fallback.Dispose();
        if (_redis.IsValueCreated)
        {
            _redis.Value.Dispose();
        }
    }
}

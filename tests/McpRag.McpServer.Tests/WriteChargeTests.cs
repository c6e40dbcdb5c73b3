using McpRag.McpServer.Throttling;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>Writes are charged by passages from their own bucket, separate from the call buckets.</summary>
public sealed class WriteChargeTests : IDisposable
{
    private readonly LocalRateLimitStore _store = new();
    private readonly TenantThrottle _throttle;

    public WriteChargeTests() =>
        _throttle = new TenantThrottle(_store, Options.Create(new ThrottlingOptions { DefaultQuota = new TenantQuota { RequestsPerMinute = 1, Burst = 1 } }));

    [Fact]
    public async Task ChargeEmbedding_LargeWriteWithinBucket_IsAdmittedWhateverTheCallBurst()
    {
        var route = Route("charge-large", embeddedPerMinute: 100, maxPerWrite: 90);

        using var charge = await _throttle.ChargeEmbeddingAsync(route, 90, TestContext.Current.CancellationToken);

        Assert.True(charge.IsAdmitted);
    }

    [Fact]
    public async Task ChargeEmbedding_BucketSpent_IsRejectedWithRetryAfterForTheWholeWrite()
    {
        var route = Route("charge-spent", embeddedPerMinute: 60, maxPerWrite: 40);
        using (var first = await _throttle.ChargeEmbeddingAsync(route, 40, TestContext.Current.CancellationToken))
        {
            Assert.True(first.IsAdmitted);
        }

        using var second = await _throttle.ChargeEmbeddingAsync(route, 40, TestContext.Current.CancellationToken);

        Assert.False(second.IsAdmitted);
        Assert.Equal("embedding", second.Limit);

        // 20 passages are missing at one a second: the caller is told to come back when the whole write fits.
        Assert.InRange(second.RetryAfter.TotalSeconds, 15, 21);
    }

    [Fact]
    public async Task ChargeEmbedding_OtherTenantSpentItsBucket_DoesNotAffectThisTenant()
    {
        var spender = Route("charge-spender", embeddedPerMinute: 50, maxPerWrite: 50);
        var other = Route("charge-other", embeddedPerMinute: 50, maxPerWrite: 50);
        (await _throttle.ChargeEmbeddingAsync(spender, 50, TestContext.Current.CancellationToken)).Dispose();

        using var charge = await _throttle.ChargeEmbeddingAsync(other, 50, TestContext.Current.CancellationToken);

        Assert.True(charge.IsAdmitted);
    }

    private static TenantRoute Route(string tenant, int embeddedPerMinute, int maxPerWrite) =>
        new(tenant, "local", TenantIsolation.Index)
        {
            Quota = new TenantQuotaOverride { EmbeddedChunksPerMinute = embeddedPerMinute, MaxChunksPerWrite = maxPerWrite },
        };

    public void Dispose()
    {
        _throttle.Dispose();
        _store.Dispose();
    }
}

using McpRag.McpServer.Throttling;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>A route's quota is typed when the routing table loads; throttling lays it over the default without reading JSON.</summary>
public sealed class TenantQuotaBindingTests
{
    [Fact]
    public void QuotaOf_LoadedRoute_LaysTheTypedQuotaOverTheDefault()
    {
        var loaded = TenantTable.Parse("""{"tenants": {"t": {"quota": {"burst": 7, "maxConcurrent": 3}}}}""", r => r)["t"];
        using var store = new LocalRateLimitStore();
        using var throttle = new TenantThrottle(store, Options.Create(new ThrottlingOptions { DefaultQuota = new TenantQuota { RequestsPerMinute = 60 } }));

        var quota = throttle.QuotaOf(loaded with { Settings = default });

        Assert.Equal(new TenantQuotaOverride { Burst = 7, MaxConcurrent = 3 }, loaded.Quota);
        Assert.Equal((60, 7, 3), (quota.RequestsPerMinute, quota.Burst, quota.MaxConcurrent));
    }
}

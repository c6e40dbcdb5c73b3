using McpRag.Retrieval.Backends.QIndex;
using Microsoft.Extensions.Time.Testing;

namespace McpRag.Retrieval.Tests.QIndex;

public sealed class BoundedCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Set_BeyondCapacity_EvictsLeastRecentlyUsed()
    {
        var cache = new BoundedCache<string, int>(2, _time);
        var later = _time.GetUtcNow().AddHours(1);
        cache.Set("a", 1, later);
        cache.Set("b", 2, later);
        Assert.True(cache.TryGet("a", out _));

        cache.Set("c", 3, later);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(1, a);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("c", out _));
    }

    [Fact]
    public void TryGet_AfterExpiry_ReturnsFalse()
    {
        var cache = new BoundedCache<string, int>(10, _time);
        cache.Set("a", 1, _time.GetUtcNow().AddMinutes(10));

        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Set_AlreadyExpired_IsNotStored()
    {
        var cache = new BoundedCache<string, int>(10, _time);

        cache.Set("a", 1, _time.GetUtcNow());

        Assert.False(cache.TryGet("a", out _));
    }
}

using McpRag.Retrieval.Backends.QIndex;
using Microsoft.Extensions.Time.Testing;

namespace McpRag.Retrieval.Tests.QIndex;

public sealed class BoundedCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Set_FarBeyondCapacity_KeepsTheCountBoundedAndTheNewestEntry()
    {
        var cache = new BoundedCache<string, int>(BoundedCache<string, int>.MinimumCapacity, _time);
        var later = _time.GetUtcNow().AddHours(1);

        for (var i = 0; i < 100; i++)
        {
            cache.Set("k" + i, i, later);
        }

        Assert.InRange(cache.Count, 1, BoundedCache<string, int>.MinimumCapacity);
        Assert.True(cache.TryGet("k99", out var newest));
        Assert.Equal(99, newest);
        Assert.False(cache.TryGet("k0", out _));
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

    [Fact]
    public async Task GetOrAddAsync_ConcurrentMissesOfOneKey_CreateOnce()
    {
        var cache = new BoundedCache<string, int>(10, _time);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creations = 0;
        async Task<(int, DateTimeOffset)> Create(string key)
        {
            Interlocked.Increment(ref creations);
            await release.Task;
            return (42, _time.GetUtcNow().AddMinutes(5));
        }

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => cache.GetOrAddAsync("a", Create, TestContext.Current.CancellationToken))).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref creations) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the creation to start");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        release.SetResult();
        var values = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.All(values, v => Assert.Equal(42, v));
        Assert.Equal(1, creations);
    }

    [Fact]
    public async Task GetOrAddAsync_FailedCreation_IsNotKept()
    {
        var cache = new BoundedCache<string, int>(10, _time);

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetOrAddAsync("a", _ => Task.FromException<(int, DateTimeOffset)>(new InvalidOperationException("refused")), TestContext.Current.CancellationToken));
        var value = await cache.GetOrAddAsync("a", _ => Task.FromResult((7, _time.GetUtcNow().AddMinutes(5))), TestContext.Current.CancellationToken);

        Assert.Equal(7, value);
    }

    [Fact]
    public async Task GetOrAddAsync_ValuePastItsExpiry_IsCreatedAgain()
    {
        var cache = new BoundedCache<string, int>(10, _time);
        var creations = 0;
        Task<(int, DateTimeOffset)> Create(string key) => Task.FromResult((Interlocked.Increment(ref creations), _time.GetUtcNow().AddMinutes(5)));

        Assert.Equal(1, await cache.GetOrAddAsync("a", Create, TestContext.Current.CancellationToken));
        Assert.Equal(1, await cache.GetOrAddAsync("a", Create, TestContext.Current.CancellationToken));
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(2, await cache.GetOrAddAsync("a", Create, TestContext.Current.CancellationToken));
    }
}

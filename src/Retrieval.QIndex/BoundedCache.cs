using BitFaster.Caching;
using BitFaster.Caching.Lru;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Per-caller state (credentials, recent results) in BitFaster.Caching's concurrent LRU: the number of entries stays
/// bounded however many callers there are, and concurrent misses of one key share one creation (atomic GetOrAdd).
/// Each value also carries its own expiry, checked against the injected clock so that tests can move time; a value
/// past its time is never returned.
/// </summary>
public sealed class BoundedCache<TKey, TValue>(int capacity, TimeProvider time)
    where TKey : notnull
{
    /// <summary>The LRU keeps hot, warm and cold queues, so it needs room for at least one entry in each.</summary>
    public const int MinimumCapacity = 3;

    private readonly IAsyncCache<TKey, Entry> _entries = new ConcurrentLruBuilder<TKey, Entry>()
        .WithCapacity(Math.Max(MinimumCapacity, capacity))
        .AsAsyncCache()
        .WithAtomicGetOrAdd()
        .Build();

    public int Count => _entries.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGet(key, out var entry))
        {
            if (entry.ExpiresAt > time.GetUtcNow())
            {
                value = entry.Value;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
        }

        value = default!;
        return false;
    }

    /// <summary>Stores a value until <paramref name="expiresAt"/>; a value already expired is not stored.</summary>
    public void Set(TKey key, TValue value, DateTimeOffset expiresAt)
    {
        if (expiresAt <= time.GetUtcNow())
        {
            _entries.TryRemove(key);
            return;
        }

        _entries.AddOrUpdate(key, new Entry(value, expiresAt));
    }

    /// <summary>
    /// Returns the live value, or the one <paramref name="create"/> makes: concurrent callers of a missing key wait for
    /// the same creation (each may stop waiting when its own <paramref name="cancellationToken"/> fires), and a creation
    /// that fails is not kept, so the next call tries again.
    /// </summary>
    public async Task<TValue> GetOrAddAsync(TKey key, Func<TKey, Task<(TValue Value, DateTimeOffset ExpiresAt)>> create, CancellationToken cancellationToken)
    {
        if (TryGet(key, out var cached))
        {
            return cached;
        }

        var entry = await _entries.GetOrAddAsync(key, async k =>
        {
            var (value, expiresAt) = await create(k);
            return new Entry(value, expiresAt);
        }).AsTask().WaitAsync(cancellationToken);
        return entry.Value;
    }

    private sealed record Entry(TValue Value, DateTimeOffset ExpiresAt);
}

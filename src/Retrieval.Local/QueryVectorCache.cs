using BitFaster.Caching;
using BitFaster.Caching.Lru;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// The most recent query vectors of each tenant (<see cref="LocalBackendOptions.QueryVectorCacheSize"/> in all, in
/// BitFaster.Caching's concurrent LRU), so that the next page of a search, a retried call or an agent repeating its
/// question does not run the model again. The key holds the tenant as well as the text: a vector cached for one
/// tenant never answers another, so no tenant can tell from the speed of its own search what another searched.
/// Concurrent misses of one key share one embedding, which a caller that cancels only stops waiting for; a failed
/// embedding is not kept.
/// </summary>
internal sealed class QueryVectorCache
{
    /// <summary>The LRU keeps hot, warm and cold queues, so it needs room for at least one entry in each.</summary>
    private const int MinimumCapacity = 3;

    private readonly IAsyncCache<(string Tenant, string Text), float[]>? _vectors;

    public QueryVectorCache(int capacity) =>
        _vectors = capacity <= 0 ? null : new ConcurrentLruBuilder<(string Tenant, string Text), float[]>()
            .WithCapacity(Math.Max(MinimumCapacity, capacity))
            .AsAsyncCache()
            .WithAtomicGetOrAdd()
            .Build();

    /// <summary>The tenant's cached vector of <paramref name="text"/>, or the one <paramref name="embed"/> makes (and then keeps). The vector is shared: callers only read it.</summary>
    public async Task<float[]> GetOrAddAsync(string tenant, string text, Func<string, CancellationToken, Task<float[]>> embed, CancellationToken cancellationToken)
    {
        if (_vectors is null)
        {
            return await embed(text, cancellationToken);
        }

        if (_vectors.TryGet((tenant, text), out var cached))
        {
            return cached;
        }

        // The shared embedding is not tied to the first caller's token: another caller may still want the vector.
        return await _vectors.GetOrAddAsync((tenant, text), key => embed(key.Text, CancellationToken.None)).AsTask().WaitAsync(cancellationToken);
    }
}

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// A small thread-safe cache with a size bound and a per-entry expiry: entries past their time are never returned,
/// and when full the least recently used entry goes. Credentials and recent results are per caller, so the number
/// of keys grows with users; the bound keeps memory flat however many there are.
/// </summary>
public sealed class BoundedCache<TKey, TValue>(int capacity, TimeProvider time)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _entries = new();
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (node.Value.ExpiresAt > time.GetUtcNow())
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    value = node.Value.Value;
                    return true;
                }

                Remove(node);
            }

            value = default!;
            return false;
        }
    }

    /// <summary>Stores a value until <paramref name="expiresAt"/>; a value already expired is not stored.</summary>
    public void Set(TKey key, TValue value, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                Remove(existing);
            }

            if (expiresAt <= time.GetUtcNow())
            {
                return;
            }

            while (_entries.Count >= capacity && _order.Last is { } oldest)
            {
                Remove(oldest);
            }

            _entries[key] = _order.AddFirst(new Entry(key, value, expiresAt));
        }
    }

    /// <summary>Returns the live value, or adds the one <paramref name="create"/> makes; both under the cache's lock.</summary>
    public TValue GetOrAdd(TKey key, Func<TValue> create, DateTimeOffset expiresAt)
    {
        lock (_lock)
        {
            if (TryGet(key, out var value))
            {
                return value;
            }

            value = create();
            Set(key, value, expiresAt);
            return value;
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _order.Remove(node);
        _entries.Remove(node.Value.Key);
    }

    private sealed record Entry(TKey Key, TValue Value, DateTimeOffset ExpiresAt);
}

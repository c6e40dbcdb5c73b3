using System.Collections.Concurrent;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Maps a route to its index folder and keeps one open <see cref="LocalIndex"/> per folder, so tenants that share
/// an index (document isolation) share one searcher and one write gate.
/// </summary>
internal sealed class LocalIndexStore(IOptions<StorageOptions> storage, IOptions<LocalBackendOptions> options, string modelId, int dimensions) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<LocalIndex>> _indexes = new(StringComparer.Ordinal);

    public LocalIndex Get(TenantRoute route)
    {
        var path = PathOf(route);
        var index = _indexes.GetOrAdd(path, p => new Lazy<LocalIndex>(() => new LocalIndex(p, options.Value, modelId, dimensions)));
        try
        {
            return index.Value;
        }
        catch
        {
            // A failed open (say, a transient I/O error) is not remembered: the next call tries again.
            _indexes.TryRemove(new KeyValuePair<string, Lazy<LocalIndex>>(path, index));
            throw;
        }
    }

    /// <summary>domain: the tenant's own data root; index: its own folder; document: a folder shared by the index's tenants.</summary>
    public string PathOf(TenantRoute route)
    {
        var dataDir = storage.Value.DataDirFullPath;
        return route.Isolation switch
        {
            TenantIsolation.Domain => Path.Combine(Path.GetFullPath(route.DataRoot ?? Path.Combine("domains", route.TenantId), dataDir), "index"),
            TenantIsolation.Index => Path.Combine(dataDir, "indexes", route.Index ?? route.TenantId),
            _ => Path.Combine(dataDir, "shared", route.Index ?? "shared"),
        };
    }

    public void Dispose()
    {
        foreach (var index in _indexes.Values.Where(l => l.IsValueCreated))
        {
            index.Value.Dispose();
        }
    }
}

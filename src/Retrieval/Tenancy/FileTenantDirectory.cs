using McpRag.Retrieval.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Routing table kept in a JSON file and reloaded when the file changes, so an operator can provision a tenant
/// without restarting. A reload that fails validation is logged and ignored: the last good table stays in force.
/// </summary>
public sealed class FileTenantDirectory : ITenantDirectory
{
    private readonly string _path;
    private readonly TimeSpan _checkInterval;
    private readonly BackendRegistry _backends;
    private readonly ILogger<FileTenantDirectory> _logger;
    private readonly Lock _reloadLock = new();
    private volatile IReadOnlyDictionary<string, TenantRoute> _routes;
    private DateTime _loadedWriteTimeUtc;
    private long _nextCheckTicks;

    public FileTenantDirectory(IOptions<TenantDirectoryOptions> options, BackendRegistry backends, ILogger<FileTenantDirectory> logger)
    {
        _path = Path.GetFullPath(options.Value.File);
        _checkInterval = options.Value.ReloadCheckInterval;
        _backends = backends;
        _logger = logger;
        if (!File.Exists(_path))
        {
            throw new InvalidOperationException($"routing table not found: {options.Value.File} (set McpRag:Tenants:File)");
        }

        _loadedWriteTimeUtc = File.GetLastWriteTimeUtc(_path);
        _routes = Load();
        _nextCheckTicks = Environment.TickCount64 + (long)_checkInterval.TotalMilliseconds;
    }

    /// <summary>Tenant ids in the table, for operator commands such as <c>demo</c>.</summary>
    public IReadOnlyCollection<string> TenantIds => _routes.Keys.ToArray();

    public ValueTask<TenantRoute?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        ReloadIfChanged();
        return ValueTask.FromResult(_routes.GetValueOrDefault(tenantId));
    }

    private IReadOnlyDictionary<string, TenantRoute> Load() =>
        TenantTable.Parse(File.ReadAllText(_path), _backends.ValidateRoute);

    private void ReloadIfChanged()
    {
        var now = Environment.TickCount64;
        if (now < Interlocked.Read(ref _nextCheckTicks))
        {
            return;
        }

        lock (_reloadLock)
        {
            if (now < _nextCheckTicks)
            {
                return;
            }

            _nextCheckTicks = now + (long)_checkInterval.TotalMilliseconds;
            try
            {
                var writeTime = File.GetLastWriteTimeUtc(_path);
                if (writeTime == _loadedWriteTimeUtc)
                {
                    return;
                }

                // Recorded before parsing so a broken edit is reported once, not on every check.
                _loadedWriteTimeUtc = writeTime;
                _routes = Load();
                _logger.LogInformation("Routing table reloaded: {TenantCount} tenants", _routes.Count);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Routing table change ignored, the previous table stays in force: {Reason}", ex.Message);
            }
        }
    }
}

using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace McpRag.McpServer.Auth;

/// <summary>
/// The issuer's discovery document and keys, refreshed when a token names a key the cached set lacks, and the
/// refresh awaited before that token is judged. An identity provider rotates by publishing the new key and then
/// signing with it; the library's manager refreshes in the background, so the first token signed with the new key
/// would be refused. A refresh on demand happens at most once per <c>RefreshInterval</c>,
/// so a flood of tokens naming made-up key ids causes no more fetches; a failed fetch keeps the last good keys.
/// </summary>
internal sealed class OnDemandConfigurationManager : ConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly IConfigurationRetriever<OpenIdConnectConfiguration> _retriever;
    private readonly IDocumentRetriever _documents;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Lock _demandLock = new();
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset _lastDemanded = DateTimeOffset.MinValue;
    private bool _refreshDemanded;

    public OnDemandConfigurationManager(string metadataAddress, IDocumentRetriever documents, TimeProvider time)
        : base(metadataAddress, new OpenIdConnectConfigurationRetriever(), documents)
    {
        _retriever = new OpenIdConnectConfigurationRetriever();
        _documents = documents;
        _time = time;
    }

    public override async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && !Volatile.Read(ref _refreshDemanded) && _time.GetUtcNow() - _fetchedAt < AutomaticRefreshInterval)
        {
            return current;
        }

        await _lock.WaitAsync(cancel);
        try
        {
            if (_current is null || _refreshDemanded || _time.GetUtcNow() - _fetchedAt >= AutomaticRefreshInterval)
            {
                _refreshDemanded = false;
                try
                {
                    _current = await _retriever.GetConfigurationAsync(MetadataAddress, _documents, cancel);
                    _fetchedAt = _time.GetUtcNow();
                }
                catch (Exception) when (_current is not null)
                {
                    // Keep the last good keys; the next demand after the interval tries again.
                    _fetchedAt = _time.GetUtcNow();
                }
            }

            return _current;
        }
        finally
        {
            _lock.Release();
        }
    }

    public override void RequestRefresh()
    {
        var now = _time.GetUtcNow();
        lock (_demandLock)
        {
            if (now - _lastDemanded >= RefreshInterval)
            {
                _lastDemanded = now;
                Volatile.Write(ref _refreshDemanded, true);
            }
        }
    }
}

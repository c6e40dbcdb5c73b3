using System.Collections.Concurrent;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The stateful MCP sessions each tenant holds open in this process, counted from the moment a session starts
/// running until it ends (closed by the client or idled out), so <see cref="McpRequestGate"/> can refuse a tenant's
/// <c>initialize</c> once it holds <see cref="HttpSecurityOptions.MaxSessionsPerTenant"/>.
/// </summary>
internal sealed class TenantSessions
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public int OpenFor(string tenantId) => _open.GetValueOrDefault(tenantId);

    /// <summary>Counts one session of <paramref name="tenantId"/> for as long as <paramref name="session"/> runs.</summary>
    public async Task RunAsync(string tenantId, Func<Task> session)
    {
        _open.AddOrUpdate(tenantId, 1, (_, count) => count + 1);
        try
        {
            await session();
        }
        finally
        {
            _open.AddOrUpdate(tenantId, 0, (_, count) => count - 1);
            _open.TryRemove(new KeyValuePair<string, int>(tenantId, 0));
        }
    }
}

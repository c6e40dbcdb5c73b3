using System.Collections.Concurrent;
using System.Globalization;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.Sources;

/// <summary>
/// A backend over fixed ranked lists, one per tenant, paged by offset: what a source of a several-source route
/// returns is known exactly. <see cref="Fault"/> makes every search fail or wait, as a broken or slow source would.
/// </summary>
internal sealed class ListBackend(string name) : IRetrievalBackend
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<RetrievalDocument>> _documents = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Tenant, SearchQuery Query)> _searches = new();

    public string Name { get; } = name;

    /// <summary>Runs before every search; may throw or never finish.</summary>
    public Func<CancellationToken, Task>? Fault { get; set; }

    public IReadOnlyList<(string Tenant, SearchQuery Query)> Searches => _searches.ToArray();

    public List<(string Tenant, RetrievalDocument Document)> Written { get; } = [];

    /// <summary>The tenant's documents in ranked order, ids <c>{prefix}0…</c>; urls only where given.</summary>
    public void Load(string tenant, IReadOnlyList<RetrievalDocument> documents) => _documents[tenant] = documents;

    public TenantRoute ValidateRoute(TenantRoute route) =>
        route.Index == "bad" ? throw new FormatException("index 'bad' is refused by " + Name) : route;

    public async Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken)
    {
        _searches.Enqueue((principal.TenantId, query));
        if (Fault is { } fault)
        {
            await fault(cancellationToken);
        }

        var all = _documents.GetValueOrDefault(principal.TenantId, []);
        var offset = query.Position is null ? 0 : int.Parse(query.Position, CultureInfo.InvariantCulture);
        var page = all.Skip(offset).Take(query.TopK)
            .Select((d, i) => new SearchHit(d.Id, d.Title, d.Url, d.Text, 100 - offset - i, d.Attributes)).ToList();
        var next = offset + page.Count < all.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        return new SearchPage(page, next);
    }

    public Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_documents.GetValueOrDefault(principal.TenantId, []).FirstOrDefault(d => d.Id == id));

    public Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        Written.AddRange(documents.Select(d => (principal.TenantId, d)));
        return Task.FromResult(documents.Count);
    }

    public Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_documents.GetValueOrDefault(principal.TenantId, []).Any(d => d.Id == id));

    public static IReadOnlyList<RetrievalDocument> Documents(string prefix, int count, Func<int, string?>? url = null) =>
        Enumerable.Range(0, count).Select(i => new RetrievalDocument($"{prefix}{i}", $"{prefix} {i}", $"text of {prefix}{i}") { Url = url?.Invoke(i) }).ToArray();
}

using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging;

namespace McpRag.Retrieval.Search;

/// <summary>Finds the backend a route names; the single place that knows which backends are registered.</summary>
public sealed class BackendRegistry
{
    private readonly Dictionary<string, IRetrievalBackend> _backends;
    private readonly SourcesBackend _sources;

    public BackendRegistry(IEnumerable<IRetrievalBackend> backends, ILogger<BackendRegistry>? logger = null)
    {
        _backends = backends.ToDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);
        _sources = new SourcesBackend(Get, _backends.Values, logger);
    }

    /// <summary>The backend of <paramref name="route"/>: the one it names, or for a route of several sources the one that fans out to them.</summary>
    public IRetrievalBackend Get(TenantRoute route) =>
        route.Sources is not null ? _sources
        : _backends.TryGetValue(route.Backend, out var backend)
            ? backend
            : throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's backend is not available on this server");

    /// <summary>
    /// The route bound by the backend it names (see <see cref="IRetrievalBackend.ValidateRoute"/>); a route of several
    /// sources has each source bound by its own backend, as a route of its own.
    /// </summary>
    public TenantRoute ValidateRoute(TenantRoute route)
    {
        if (route.Sources is { } sources)
        {
            return route with { Sources = sources.Select(Bind).ToArray() };
        }

        return _backends.TryGetValue(route.Backend, out var backend)
            ? backend.ValidateRoute(route)
            : throw new FormatException($"backend '{route.Backend}' is not one of: {string.Join(", ", _backends.Keys.Order())}");
    }

    private RouteSource Bind(RouteSource source)
    {
        try
        {
            return source with { Route = ValidateRoute(source.Route) };
        }
        catch (FormatException ex)
        {
            throw new FormatException($"source '{source.Name}': {ex.Message}");
        }
    }
}

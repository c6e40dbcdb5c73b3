using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Search;

/// <summary>Finds the backend a route names; the single place that knows which backends are registered.</summary>
public sealed class BackendRegistry(IEnumerable<IRetrievalBackend> backends)
{
    private readonly Dictionary<string, IRetrievalBackend> _backends =
        backends.ToDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);

    public IRetrievalBackend Get(TenantRoute route) =>
        _backends.TryGetValue(route.Backend, out var backend)
            ? backend
            : throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's backend is not available on this server");

    /// <summary>The route bound by the backend it names (see <see cref="IRetrievalBackend.ValidateRoute"/>).</summary>
    public TenantRoute ValidateRoute(TenantRoute route) =>
        _backends.TryGetValue(route.Backend, out var backend)
            ? backend.ValidateRoute(route)
            : throw new FormatException($"backend '{route.Backend}' is not one of: {string.Join(", ", _backends.Keys.Order())}");
}

using System.Collections.Concurrent;
using System.Text.Json;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.Logging;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// What the backend knows about each route's cluster and index, decided once per route: the query strategy its
/// cluster supports, and whether its index exists and matches the route. Also the guard every call runs in, which maps
/// cluster failures to caller-safe errors and forgets an index that disappeared. The server never creates an index:
/// a missing or mismatched index is <c>tenant_not_provisioned</c>, with the operator's next step in the log.
/// </summary>
internal sealed class OpenSearchIndexManager(IOpenSearchClient client, ILogger logger)
{
    /// <summary>Per route (see <see cref="RouteKey"/>): the strategy chosen for it, or why the cluster cannot serve it.</summary>
    private readonly ConcurrentDictionary<string, (OpenSearchStrategy? Strategy, string? Error)> _strategies = new(StringComparer.Ordinal);

    /// <summary>Per route: <c>null</c> once its index matched the route, or the mismatch that disabled the route.</summary>
    private readonly ConcurrentDictionary<string, string?> _readiness = new(StringComparer.Ordinal);

    /// <summary>
    /// The reason a route cannot be served, or <c>null</c> when it can (or its index does not exist yet); see
    /// <see cref="OpenSearchBackend.VerifyRouteAsync"/>.
    /// </summary>
    public async Task<string?> VerifyAsync(OpenSearchRoute os, OpenSearchTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await StrategyAsync(os, target, cancellationToken);
        }
        catch (RetrievalException ex) when (ex.Code == RetrievalErrorCode.TenantNotProvisioned)
        {
            return _strategies.TryGetValue(RouteKey(os), out var chosen) ? chosen.Error : ex.Message;
        }

        var mapping = await client.GetMappingAsync(target, os.Index, cancellationToken);
        return mapping is null ? null : MappingProblem(os, mapping.Value);
    }

    /// <summary>
    /// What in an index's mapping the route's model, vector size or vector field does not match, or <c>null</c>. The
    /// model comes from the mapping's <c>_meta</c> where the index was provisioned by McpRag.
    /// </summary>
    internal static string? MappingProblem(OpenSearchRoute os, JsonElement mapping)
    {
        var (dimension, model) = ReadVectorMapping(mapping, os.VectorField);
        return dimension is null ? $"index '{os.Index}' has no k-NN vector field '{os.VectorField}'; provision it with 'mcprag opensearch provision --apply'"
            : dimension != os.Dimensions ? $"index '{os.Index}' holds {dimension}-dimension vectors but the route's embedding model {os.EmbeddingModel} produces {os.Dimensions}; use the index's model or re-index"
            : model is not null && model != os.EmbeddingModel ? $"index '{os.Index}' was built with embedding model {model} but the route names {os.EmbeddingModel}; use the index's model or re-index"
            : null;
    }

    /// <summary>
    /// Checks once per route that its index exists and matches it. The key holds the route's model, dimensions and
    /// vector field, so a routing-table reload that changes any of them is checked again; a mismatch disables the route
    /// (<c>tenant_not_provisioned</c>) until the table changes. A missing index is looked up again on the next call.
    /// </summary>
    public async Task EnsureReadyAsync(OpenSearchRoute os, OpenSearchTarget target, CancellationToken cancellationToken)
    {
        var key = RouteKey(os);
        if (_readiness.TryGetValue(key, out var known))
        {
            if (known is null)
            {
                return;
            }

            throw NotProvisioned();
        }

        var mapping = await client.GetMappingAsync(target, os.Index, cancellationToken);
        if (mapping is null)
        {
            logger.LogWarning(
                "OpenSearch index {Index} of tenant {Tenant} does not exist; the server never creates indexes with a tenant's credentials: create it with 'mcprag opensearch provision --apply' and cluster-admin credentials",
                os.Index, os.TenantId);
            throw NotProvisioned();
        }

        var problem = MappingProblem(os, mapping.Value);
        _readiness[key] = problem;
        if (problem is not null)
        {
            logger.LogError("OpenSearch route of tenant {Tenant} disabled until the routing table changes: {Mismatch}", os.TenantId, problem);
            throw NotProvisioned();
        }
    }

    /// <summary>
    /// The route's query strategy, decided once per route from <c>GET /</c> and <c>GET /_nodes/plugins</c> read with the
    /// route's credentials. Credentials that may not read them (roles from before these permissions) get the
    /// conservative strategy, with the fix in the log; an unreachable cluster is asked again on the next call.
    /// </summary>
    public async Task<OpenSearchStrategy> StrategyAsync(OpenSearchRoute os, OpenSearchTarget target, CancellationToken cancellationToken)
    {
        var key = RouteKey(os);
        if (!_strategies.TryGetValue(key, out var chosen))
        {
            try
            {
                var cluster = await client.GetClusterAsync(target, cancellationToken);
                chosen = OpenSearchCapabilities.Choose(os, cluster);
                if (chosen.Strategy is { } s)
                {
                    logger.LogInformation("OpenSearch route of tenant {Tenant}: hybrid {Hybrid}, k-NN filter {Filter} ({Reason})", os.TenantId, s.Hybrid, s.KnnFilter, s.Reason);
                }
            }
            catch (OpenSearchRequestException ex) when (ex.Status is 401 or 403)
            {
                logger.LogWarning(
                    "The credentials of tenant {Tenant} may not read the cluster version and plugins (GET / and GET /_nodes/plugins need cluster:monitor/main and cluster:monitor/nodes/info; re-apply the generated roles); using client-side hybrid fusion: {Reason}",
                    os.TenantId, ex.Message);
                chosen = (new OpenSearchStrategy(OpenSearchHybridExecution.ClientFusion, OpenSearchKnnFiltering.Efficient, "cluster version unknown"), null);
            }
            catch (OpenSearchRequestException ex) when (ex.ErrorType == OpenSearchRequestException.NotOpenSearch)
            {
                chosen = (null, ex.Message);
            }

            _strategies[key] = chosen;
            if (chosen.Error is { } error)
            {
                logger.LogError("OpenSearch route of tenant {Tenant} disabled until the routing table changes: {Reason}", os.TenantId, error);
            }
        }

        return chosen.Strategy ?? throw NotProvisioned();
    }

    /// <summary>From now on the route runs with <paramref name="strategy"/> (the cluster refused what the table foresaw).</summary>
    public void Replace(OpenSearchRoute os, OpenSearchStrategy strategy) => _strategies[RouteKey(os)] = (strategy, null);

    /// <summary>Runs a call against the cluster, mapping its failures to caller-safe errors (the detail goes to the log).</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, OpenSearchRoute os)
    {
        try
        {
            return await call();
        }
        catch (OpenSearchRequestException ex) when (ex.Status == 404 && ex.ErrorType == "index_not_found_exception")
        {
            _readiness.TryRemove(RouteKey(os), out _);
            logger.LogWarning("OpenSearch index {Index} of tenant {Tenant} is gone; create it with 'mcprag opensearch provision --apply' and cluster-admin credentials", os.Index, os.TenantId);
            throw NotProvisioned();
        }
        catch (OpenSearchRequestException ex)
        {
            logger.LogWarning("OpenSearch call for tenant {Tenant} failed: {Detail}", os.TenantId, ex.Message);
            throw OpenSearchErrors.ToRetrieval(ex);
        }
    }

    public static RetrievalException NotProvisioned() =>
        new(RetrievalErrorCode.TenantNotProvisioned, "the tenant's search index is not ready on this server; the operator has the details in the server log");

    /// <summary>
    /// What identifies a route for the strategy and readiness caches: a reload that changes any of these is a new route.
    /// </summary>
    private static string RouteKey(OpenSearchRoute os) => string.Join(
        '|', os.TenantId, os.Endpoint.GetLeftPart(UriPartial.Path), os.Index, os.Isolation, os.Auth, os.Engine, os.VectorField, os.EmbeddingModel,
        os.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static (int? Dimension, string? Model) ReadVectorMapping(JsonElement root, string vectorField)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        foreach (var index in root.EnumerateObject())
        {
            if (index.Value.TryGetProperty("mappings", out var mappings) && mappings.TryGetProperty("properties", out var properties)
                && properties.TryGetProperty(vectorField, out var field) && field.TryGetProperty("dimension", out var dimension) && dimension.TryGetInt32(out var value))
            {
                var model = mappings.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                    && meta.TryGetProperty(OpenSearchFields.EmbeddingModel, out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (value, model);
            }
        }

        return (null, null);
    }
}

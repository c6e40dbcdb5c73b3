using System.Text.Json.Nodes;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// A tenant's documents in an OpenSearch index: per McpRag document a record (whole text, first passage's vector) and
/// one passage document per further passage, so semantic search reaches every part of a long document. Keyword (BM25
/// <c>multi_match</c>), semantic (<c>knn</c>) and hybrid search, expressed per route as <see cref="OpenSearchCapabilities"/>
/// decides from the cluster's version and plugins, read once with the route's own credentials. Under document
/// isolation the tenant is enforced twice: every request built by <see cref="OpenSearchQueries"/> carries the tenant
/// filter, and the OpenSearch role the minted token maps to carries document-level security on the tenant field.
/// Each call runs with the route's settings bound when the routing table loaded (<see cref="OpenSearchRoute"/>), the
/// caller's credentials (<see cref="OpenSearchAuthorizers"/>), and inside <see cref="OpenSearchIndexManager"/>, which
/// knows whether the route's index is ready; searching and writing are <see cref="OpenSearchSearcher"/> and
/// <see cref="OpenSearchWriter"/>.
/// </summary>
public sealed class OpenSearchBackend : IRetrievalBackend
{
    public const string BackendName = "opensearch";

    /// <summary>How many hits per wanted document a ranked search asks for, so passages of one document do not crowd out others.</summary>
    public const int PassageOversampling = 4;

    private readonly IOpenSearchClient _client;
    private readonly OpenSearchAuthorizers _authorizers;
    private readonly OpenSearchIndexManager _indexes;
    private readonly OpenSearchSearcher _searcher;
    private readonly OpenSearchWriter _writer;

    public OpenSearchBackend(
        IOpenSearchClient client,
        OpenSearchAuthorizers authorizers,
        OpenSearchEmbeddings embeddings,
        IOptions<OpenSearchOptions> options,
        IOptions<ChunkingOptions> chunking,
        ILogger<OpenSearchBackend> logger)
    {
        _client = client;
        _authorizers = authorizers;
        _indexes = new OpenSearchIndexManager(client, logger);
        _searcher = new OpenSearchSearcher(client, _indexes, embeddings, options, logger);
        _writer = new OpenSearchWriter(client, embeddings, options, chunking);
    }

    public string Name => BackendName;

    public TenantRoute ValidateRoute(TenantRoute route) => OpenSearchRoute.Bind(route);

    public Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken) =>
        RunAsync(route, principal, query.Criteria(), (os, target, scope) => _searcher.SearchAsync(os, target, scope, query, cancellationToken), ready: false, cancellationToken);

    public Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) =>
        RunAsync(route, principal, null, async (os, target, scope) =>
        {
            var key = OpenSearchIndexNames.DocumentKey(principal.TenantId, id);
            var response = await _client.SearchAsync(target, os.Index, OpenSearchQueries.ByKeys(os, [key], scope), null, cancellationToken);
            var hit = response.Hits.FirstOrDefault(h => h.Id == key && OpenSearchDocuments.BelongsTo(os, h, principal.TenantId));
            return hit is null ? null : OpenSearchDocuments.ToDocument(os, hit);
        }, ready: true, cancellationToken);

    /// <summary>Writes documents; returns the passages indexed (0 for a document already stored unchanged).</summary>
    public async Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken) =>
        (await WriteAsync(route, principal, documents.Select(d => (d, (float[]?)null)).ToList(), progress, cancellationToken)).Passages;

    /// <summary>
    /// Writes documents, using the given vectors where there are any (they must come from the route's embedding model,
    /// and are used for single-passage documents) and embedding the rest. Unchanged documents are skipped, so an
    /// interrupted import can simply be run again. Returns the documents written.
    /// </summary>
    public async Task<int> ImportAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> documents, IProgress<int>? progress, CancellationToken cancellationToken) =>
        (await WriteAsync(route, principal, documents, progress, cancellationToken)).Documents;

    /// <summary>How many documents of the tenant the route's index holds (for verifying a migration).</summary>
    public Task<long> CountAsync(TenantRoute route, TenantPrincipal principal, CancellationToken cancellationToken) =>
        RunAsync(route, principal, null, async (os, target, scope) =>
        {
            var body = new JsonObject
            {
                ["size"] = 0,
                ["track_total_hits"] = true,
                ["query"] = new JsonObject { ["bool"] = new JsonObject { ["filter"] = OpenSearchQueries.RecordsOnly(scope) } },
            };
            return (await _client.SearchAsync(target, os.Index, body, null, cancellationToken)).Total;
        }, ready: true, cancellationToken);

    /// <summary>Deletes a document's record and its passages (their number is on the record).</summary>
    public Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) =>
        RunAsync(route, principal, null, (os, target, scope) => _writer.DeleteAsync(os, target, scope, principal.TenantId, id, cancellationToken), ready: true, cancellationToken);

    /// <summary>
    /// The reason a route cannot be served, or <c>null</c> when it can (or its index does not exist yet): the cluster's
    /// version cannot run the route's engine (read with the route's own credentials, and kept as the route's strategy),
    /// or the existing index does not match the route's model. Cluster failures are thrown as <see cref="OpenSearchRequestException"/>.
    /// </summary>
    public Task<string?> VerifyRouteAsync(TenantRoute route, CancellationToken cancellationToken)
    {
        var os = OpenSearchRoute.Of(route);
        return _indexes.VerifyAsync(os, _authorizers.TargetFor(os, TenantPrincipal.Operator(route.TenantId)), cancellationToken);
    }

    private Task<(int Documents, int Passages)> WriteAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> documents, IProgress<int>? progress, CancellationToken cancellationToken) =>
        RunAsync(route, principal, null, (os, target, scope) => _writer.WriteAsync(os, target, scope, principal.TenantId, documents, progress, cancellationToken), ready: true, cancellationToken);

    /// <summary>
    /// Runs one call with the route's bound settings, the caller's credentials and the tenant scope every query carries,
    /// after checking that the route's index is ready when <paramref name="ready"/> (a search checks it itself, after
    /// choosing its strategy), and maps cluster failures to caller-safe errors.
    /// </summary>
    private async Task<T> RunAsync<T>(TenantRoute route, TenantPrincipal principal, SearchFilter? filter, Func<OpenSearchRoute, OpenSearchTarget, JsonArray, Task<T>> call, bool ready, CancellationToken cancellationToken)
    {
        var os = OpenSearchRoute.Of(route);
        var target = _authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, filter);
        return await _indexes.CallAsync(async () =>
        {
            if (ready)
            {
                await _indexes.EnsureReadyAsync(os, target, cancellationToken);
            }

            return await call(os, target, scope);
        }, os);
    }
}

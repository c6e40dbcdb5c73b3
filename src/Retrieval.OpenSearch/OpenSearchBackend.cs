using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Ranking;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
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
/// The server never creates an index: a missing or mismatched index is <c>tenant_not_provisioned</c>, with the
/// operator's next step in the log.
/// </summary>
public sealed class OpenSearchBackend(
    IOpenSearchClient client,
    OpenSearchAuthorizers authorizers,
    OpenSearchEmbeddings embeddings,
    IOptions<OpenSearchOptions> options,
    IOptions<ChunkingOptions> chunking,
    ILogger<OpenSearchBackend> logger) : IRetrievalBackend
{
    public const string BackendName = "opensearch";

    /// <summary>How many hits per wanted document a ranked search asks for, so passages of one document do not crowd out others.</summary>
    public const int PassageOversampling = 4;

    /// <summary>Per route (see <see cref="RouteKey"/>): the strategy chosen for it, or why the cluster cannot serve it.</summary>
    private readonly ConcurrentDictionary<string, (OpenSearchStrategy? Strategy, string? Error)> _strategies = new(StringComparer.Ordinal);

    /// <summary>Per route: <c>null</c> once its index matched the route, or the mismatch that disabled the route.</summary>
    private readonly ConcurrentDictionary<string, string?> _readiness = new(StringComparer.Ordinal);

    public string Name => BackendName;

    public string? ValidateRoute(TenantRoute route) => OpenSearchRoute.Parse(route).Error;

    public async Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var position = OpenSearchPosition.Decode(query.Position);
        var target = authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, query.Filters);
        return await CallAsync(async () =>
        {
            var strategy = StrategyFor(await StrategyAsync(os, target, cancellationToken), position);
            await EnsureReadyAsync(os, target, cancellationToken);
            var vector = query.Mode == SearchMode.Keyword ? null : await EmbedAsync(os, [query.Text], cancellationToken);
            return query.Mode switch
            {
                SearchMode.Keyword => await PageAsync(os, target, strategy, OpenSearchQueries.KeywordQuery(os, query.Text, scope), query, position, cancellationToken),
                SearchMode.Semantic => await SemanticAsync(os, target, strategy, query, vector![0], scope, position, cancellationToken),
                _ => await HybridAsync(os, target, strategy, query, vector![0], scope, position, cancellationToken),
            };
        }, os);
    }

    public async Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, RetrievalDocument.EmptyAttributes);
        return await CallAsync(async () =>
        {
            await EnsureReadyAsync(os, target, cancellationToken);
            var key = OpenSearchIndexNames.DocumentKey(principal.TenantId, id);
            var response = await client.SearchAsync(target, os.Index, OpenSearchQueries.ByKeys(os, [key], scope), null, cancellationToken);
            var hit = response.Hits.FirstOrDefault(h => h.Id == key && BelongsTo(os, h, principal.TenantId));
            return hit is null ? null : ToDocument(os, hit);
        }, os);
    }

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

    /// <summary>
    /// Each changed document becomes its record (the whole text, the first passage's vector, the passage count) and one
    /// passage document per further passage (the local backend's chunking, each passage embedded with the title), so
    /// every part of a long document is found semantically. Passages beyond a shorter new version are deleted in the
    /// same bulk request.
    /// </summary>
    private async Task<(int Documents, int Passages)> WriteAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> documents, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, RetrievalDocument.EmptyAttributes);
        var chunker = new TextChunker(chunking.Value);
        return await CallAsync(async () =>
        {
            await EnsureReadyAsync(os, target, cancellationToken);
            var (writtenDocuments, writtenPassages, done) = (0, 0, 0);
            var failures = new List<string>();
            foreach (var batch in documents.Chunk(Math.Max(1, options.Value.BulkDocuments)))
            {
                var keys = batch.Select(d => OpenSearchIndexNames.DocumentKey(principal.TenantId, d.Document.Id)).Distinct().ToList();
                var stored = await client.SearchAsync(target, os.Index, OpenSearchQueries.ByKeys(os, keys, scope, OpenSearchFields.ContentHash, OpenSearchFields.Passages), null, cancellationToken);
                var storedHashes = stored.Hits.ToDictionary(h => h.Id, h => ReadString(h.Source, OpenSearchFields.ContentHash), StringComparer.Ordinal);
                var storedPassages = stored.Hits.ToDictionary(h => h.Id, h => PassageCount(h.Source), StringComparer.Ordinal);
                var changed = batch
                    .Select(d => (d.Document, d.Vector, Key: OpenSearchIndexNames.DocumentKey(principal.TenantId, d.Document.Id), Hash: ContentHash(os, chunking.Value, d.Document), Passages: Passages(chunker, d.Document)))
                    .Where(d => storedHashes.GetValueOrDefault(d.Key) != d.Hash)
                    .ToList();
                if (changed.Count > 0)
                {
                    var texts = changed
                        .Where(d => !(d.Passages.Count == 1 && d.Vector is { } v && v.Length == os.Dimensions))
                        .SelectMany(d => d.Passages.Select(p => EmbeddingText(d.Document.Title, p)))
                        .ToList();
                    var embedded = texts.Count == 0 ? [] : await EmbedAsync(os, texts, cancellationToken);
                    var next = 0;
                    var operations = new List<OpenSearchBulkOperation>();
                    var owners = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var d in changed)
                    {
                        var vectors = d.Passages.Count == 1 && d.Vector is { } given && given.Length == os.Dimensions
                            ? [given]
                            : d.Passages.Select(_ => embedded[next++]).ToArray();
                        operations.Add(OpenSearchBulkOperation.Index(d.Key, Source(os, principal.TenantId, d.Document, d.Key, d.Hash, vectors[0], d.Passages.Count)));
                        owners[d.Key] = d.Document.Id;
                        for (var n = 1; n < d.Passages.Count; n++)
                        {
                            var key = OpenSearchIndexNames.PassageKey(principal.TenantId, d.Document.Id, n);
                            operations.Add(OpenSearchBulkOperation.Index(key, PassageSource(os, principal.TenantId, d.Document, key, n, d.Passages[n], vectors[n])));
                            owners[key] = d.Document.Id;
                        }

                        for (var n = d.Passages.Count; n < storedPassages.GetValueOrDefault(d.Key, 1); n++)
                        {
                            var key = OpenSearchIndexNames.PassageKey(principal.TenantId, d.Document.Id, n);
                            operations.Add(OpenSearchBulkOperation.Delete(key));
                            owners[key] = d.Document.Id;
                        }
                    }

                    var items = await BulkWithRetriesAsync(target, os.Index, operations, cancellationToken);
                    var failed = items.Where(i => !i.Succeeded && !(i.Action == "delete" && i.Status == 404)).ToList();
                    var failedDocuments = failed.Select(i => owners[i.Id]).ToHashSet(StringComparer.Ordinal);
                    writtenDocuments += changed.Count(d => !failedDocuments.Contains(d.Document.Id));
                    writtenPassages += items.Count(i => i.Succeeded && i.Action == "index");
                    failures.AddRange(failed.GroupBy(i => owners[i.Id], StringComparer.Ordinal)
                        .Select(g => $"{g.Key} ({g.First().ErrorType ?? g.First().Status.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
                }

                done += batch.Length;
                progress?.Report(done);
            }

            if (failures.Count > 0)
            {
                throw new RetrievalException(
                    RetrievalErrorCode.BackendError,
                    $"{failures.Count} of {documents.Count} documents were not stored: {string.Join(", ", failures.Take(10))}{(failures.Count > 10 ? ", …" : "")}");
            }

            return (writtenDocuments, writtenPassages);
        }, os);
    }

    /// <summary>The document's passages: the local backend's chunks of its text (the title alone for an empty text).</summary>
    private static IReadOnlyList<string> Passages(TextChunker chunker, RetrievalDocument document)
    {
        var chunks = chunker.Split(document.Text);
        return chunks.Count > 0 ? chunks : [document.Title];
    }

    private static int PassageCount(JsonElement source) =>
        source.ValueKind == JsonValueKind.Object && source.TryGetProperty(OpenSearchFields.Passages, out var value) && value.TryGetInt32(out var count) && count >= 1 ? count : 1;

    /// <summary>How many documents of the tenant the route's index holds (for verifying a migration).</summary>
    public async Task<long> CountAsync(TenantRoute route, TenantPrincipal principal, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, RetrievalDocument.EmptyAttributes);
        return await CallAsync(async () =>
        {
            await EnsureReadyAsync(os, target, cancellationToken);
            var body = new JsonObject
            {
                ["size"] = 0,
                ["track_total_hits"] = true,
                ["query"] = new JsonObject { ["bool"] = new JsonObject { ["filter"] = OpenSearchQueries.RecordsOnly(scope) } },
            };
            return (await client.SearchAsync(target, os.Index, body, null, cancellationToken)).Total;
        }, os);
    }

    /// <summary>Deletes a document's record and its passages (their number is on the record).</summary>
    public async Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, RetrievalDocument.EmptyAttributes);
        return await CallAsync(async () =>
        {
            await EnsureReadyAsync(os, target, cancellationToken);
            var key = OpenSearchIndexNames.DocumentKey(principal.TenantId, id);
            var stored = await client.SearchAsync(target, os.Index, OpenSearchQueries.ByKeys(os, [key], scope, OpenSearchFields.Passages), null, cancellationToken);
            var passages = stored.Hits.FirstOrDefault(h => h.Id == key) is { } record ? PassageCount(record.Source) : 1;
            var operations = new List<OpenSearchBulkOperation> { OpenSearchBulkOperation.Delete(key) };
            operations.AddRange(Enumerable.Range(1, passages - 1).Select(n => OpenSearchBulkOperation.Delete(OpenSearchIndexNames.PassageKey(principal.TenantId, id, n))));
            var items = await client.BulkAsync(target, os.Index, operations, cancellationToken);
            var item = items.First(i => i.Id == key);
            return item.Status switch
            {
                200 => true,
                404 => false,
                _ => throw new RetrievalException(RetrievalErrorCode.BackendError, $"the document was not deleted ({item.ErrorType ?? item.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)})"),
            };
        }, os);
    }

    /// <summary>
    /// The reason a route cannot be served, or <c>null</c> when it can (or its index does not exist yet): the cluster's
    /// version cannot run the route's engine (read with the route's own credentials, and kept as the route's strategy),
    /// or the existing index does not match the route's model. Cluster failures are thrown as <see cref="OpenSearchRequestException"/>.
    /// </summary>
    public async Task<string?> VerifyRouteAsync(TenantRoute route, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, TenantPrincipal.Operator(route.TenantId));
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
    private async Task EnsureReadyAsync(OpenSearchRoute os, OpenSearchTarget target, CancellationToken cancellationToken)
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
    private async Task<OpenSearchStrategy> StrategyAsync(OpenSearchRoute os, OpenSearchTarget target, CancellationToken cancellationToken)
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

    /// <summary>The strategy a page runs with: the one its cursor names, so one search never mixes strategies.</summary>
    private static OpenSearchStrategy StrategyFor(OpenSearchStrategy current, OpenSearchPosition position)
    {
        if (position.Strategy is null || position.Strategy == current.Code)
        {
            return current;
        }

        var named = OpenSearchStrategy.FromCode(position.Strategy)!;
        return current.CanContinue(named)
            ? named
            : throw RetrievalException.Invalid("cursor is not valid for this search: the backend changed how it searches; start the search again");
    }

    /// <summary>
    /// What identifies a route for the strategy and readiness caches: a reload that changes any of these is a new route.
    /// </summary>
    private static string RouteKey(OpenSearchRoute os) => string.Join(
        '|', os.TenantId, os.Endpoint.GetLeftPart(UriPartial.Path), os.Index, os.Isolation, os.Auth, os.Engine, os.VectorField, os.EmbeddingModel,
        os.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static RetrievalException NotProvisioned() =>
        new(RetrievalErrorCode.TenantNotProvisioned, "the tenant's search index is not ready on this server; the operator has the details in the server log");

    /// <summary>
    /// Sends a bulk request and re-sends the items the cluster rejected as overloaded (429), with growing pauses; other
    /// item failures are final. The HTTP-level retries of the resilience handler cannot see these: the call itself is 200.
    /// </summary>
    private async Task<IReadOnlyList<OpenSearchBulkItem>> BulkWithRetriesAsync(OpenSearchTarget target, string index, IReadOnlyList<OpenSearchBulkOperation> operations, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, OpenSearchBulkItem>(StringComparer.Ordinal);
        var pending = operations;
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(options.Value.BulkRetryDelay * (1 << (attempt - 1)), cancellationToken);
            }

            var items = await client.BulkAsync(target, index, pending, cancellationToken);
            foreach (var item in items)
            {
                results[item.Id] = item;
            }

            var rejected = items.Where(i => i.Status == 429).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            pending = attempt < options.Value.BulkRetries ? pending.Where(o => rejected.Contains(o.Id)).ToList() : [];
        }

        return operations.Select(o => results[o.Id]).ToList();
    }

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

    private async Task<SearchPage> PageAsync(OpenSearchRoute os, OpenSearchTarget target, OpenSearchStrategy strategy, JsonObject query, SearchQuery search, OpenSearchPosition position, CancellationToken cancellationToken)
    {
        var body = OpenSearchQueries.Page(os, query, search.Text, search.TopK + 1, position.After);
        var response = await client.SearchAsync(target, os.Index, body, null, cancellationToken);
        var hits = response.Hits.Where(h => BelongsTo(os, h, os.TenantId)).ToList();
        var page = hits.Take(search.TopK).ToList();
        var seen = position.Seen + page.Count;
        var next = hits.Count > search.TopK && seen < SearchLimits.MaxResultWindow && page[^1].Sort is { ValueKind: JsonValueKind.Array } sort
            ? new OpenSearchPosition(seen, JsonNode.Parse(sort.GetRawText())!.AsArray(), strategy.Code).Encode()
            : null;
        return new SearchPage(page.Select(h => ToHit(os, h)).ToList(), next);
    }

    /// <summary>
    /// k-NN over records and passages, collapsed to documents (each ranked by its best passage, whose text gives the
    /// snippet). Pages by position, since one document may hold several of the nearest vectors.
    /// </summary>
    private async Task<SearchPage> SemanticAsync(OpenSearchRoute os, OpenSearchTarget target, OpenSearchStrategy strategy, SearchQuery query, float[] vector, JsonArray scope, OpenSearchPosition position, CancellationToken cancellationToken)
    {
        if (position.After is not null)
        {
            throw RetrievalException.Invalid("cursor is not valid for this search");
        }

        var k = PassageWindow(position, query);
        var body = OpenSearchQueries.Body(os, OpenSearchQueries.SemanticQuery(os, vector, k, scope, strategy.KnnFilter), query.Text, k);
        var hits = (await client.SearchAsync(target, os.Index, body, null, cancellationToken)).Hits;
        return RankedPage(os, ByDocument(os, hits), strategy, query, position);
    }

    private async Task<SearchPage> HybridAsync(OpenSearchRoute os, OpenSearchTarget target, OpenSearchStrategy strategy, SearchQuery query, float[] vector, JsonArray scope, OpenSearchPosition position, CancellationToken cancellationToken)
    {
        if (position.After is not null)
        {
            throw RetrievalException.Invalid("cursor is not valid for this search");
        }

        var window = PassageWindow(position, query);
        IReadOnlyList<OpenSearchHit> ranked;
        if (strategy.Hybrid == OpenSearchHybridExecution.ClientFusion)
        {
            ranked = await FuseAsync(os, target, strategy, query, vector, scope, window, cancellationToken);
        }
        else
        {
            try
            {
                var body = OpenSearchQueries.Hybrid(os, query.Text, vector, window, scope, strategy.KnnFilter);
                ranked = ByDocument(os, (await client.SearchAsync(target, os.Index, body, options.Value.HybridPipeline, cancellationToken)).Hits);
            }
            catch (OpenSearchRequestException ex) when (OpenSearchRequestException.ProvesNoHybrid(ex))
            {
                // The cluster said the hybrid query cannot run here, which the table did not foresee (a plugin removed,
                // a DLS mode): this route, and only this route, ranks by client-side fusion from now on.
                var fallback = strategy with { Hybrid = OpenSearchHybridExecution.ClientFusion, Reason = "the cluster refused the hybrid query" };
                _strategies[RouteKey(os)] = (fallback, null);
                logger.LogWarning("The cluster of tenant {Tenant} refused the hybrid query; this route uses client-side fusion from now on: {Reason}", os.TenantId, ex.Message);
                if (position.Seen > 0)
                {
                    throw RetrievalException.Invalid("cursor is not valid for this search: the backend changed how it searches; start the search again");
                }

                strategy = fallback;
                ranked = await FuseAsync(os, target, strategy, query, vector, scope, window, cancellationToken);
            }
            catch (OpenSearchRequestException ex) when (ex.Status == 400 && ex.Message.Contains(options.Value.HybridPipeline, StringComparison.Ordinal) && ex.Message.Contains("not defined", StringComparison.OrdinalIgnoreCase))
            {
                logger.LogWarning(
                    "The search pipeline {Pipeline} is missing on the cluster of tenant {Tenant}; create it with 'mcprag opensearch provision --apply' and cluster-admin credentials",
                    options.Value.HybridPipeline, os.TenantId);
                throw NotProvisioned();
            }
        }

        return RankedPage(os, ranked, strategy, query, position);
    }

    /// <summary>One page of a ranked list of documents, continued by position.</summary>
    private static SearchPage RankedPage(OpenSearchRoute os, IReadOnlyList<OpenSearchHit> ranked, OpenSearchStrategy strategy, SearchQuery query, OpenSearchPosition position)
    {
        var owned = ranked.Where(h => BelongsTo(os, h, os.TenantId)).ToList();
        var page = owned.Skip(position.Seen).Take(query.TopK).ToList();
        var seen = position.Seen + page.Count;
        var next = owned.Count > seen && seen < SearchLimits.MaxResultWindow ? new OpenSearchPosition(seen, null, strategy.Code).Encode() : null;
        return new SearchPage(page.Select(h => ToHit(os, h)).ToList(), next);
    }

    /// <summary>Record and passage hits collapsed to one per document, in rank order (the best-ranked hit stays).</summary>
    private static List<OpenSearchHit> ByDocument(OpenSearchRoute os, IEnumerable<OpenSearchHit> hits)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return hits.Where(h => seen.Add(DocumentOf(os, h))).ToList();
    }

    /// <summary>The document a record or passage hit belongs to.</summary>
    private static string DocumentOf(OpenSearchRoute os, OpenSearchHit hit) => ReadString(hit.Source, OpenSearchFields.DocId) ?? DocumentIdOf(hit.Id);

    private async Task<IReadOnlyList<OpenSearchHit>> FuseAsync(OpenSearchRoute os, OpenSearchTarget target, OpenSearchStrategy strategy, SearchQuery query, float[] vector, JsonArray scope, int window, CancellationToken cancellationToken)
    {
        var keyword = await client.SearchAsync(target, os.Index, OpenSearchQueries.Page(os, OpenSearchQueries.KeywordQuery(os, query.Text, scope), query.Text, window, null), null, cancellationToken);
        var semantic = await client.SearchAsync(target, os.Index, OpenSearchQueries.Page(os, OpenSearchQueries.SemanticQuery(os, vector, window, scope, strategy.KnnFilter), query.Text, window, null), null, cancellationToken);
        var keywordHits = ByDocument(os, keyword.Hits);
        var semanticHits = ByDocument(os, semantic.Hits);
        var byDocument = new Dictionary<string, OpenSearchHit>(StringComparer.Ordinal);
        foreach (var hit in semanticHits.Concat(keywordHits))
        {
            byDocument[DocumentOf(os, hit)] = hit;
        }

        return ReciprocalRankFusion.Fuse(options.Value.RrfK, keywordHits.Select(h => DocumentOf(os, h)).ToList(), semanticHits.Select(h => DocumentOf(os, h)).ToList())
            .Select(f => byDocument[f.Item] with { Score = f.Score })
            .ToList();
    }

    /// <summary>
    /// Hits asked of a ranked (position-paged) search: the documents needed so far and one more, times the passages a
    /// document may contribute, within the k-NN limit.
    /// </summary>
    private static int PassageWindow(OpenSearchPosition position, SearchQuery query) =>
        Math.Min(Window(position, query) * PassageOversampling, 10_000);

    private static int Window(OpenSearchPosition position, SearchQuery query) =>
        Math.Min(position.Seen + query.TopK + 1, SearchLimits.MaxResultWindow + 1);

    private async Task<float[][]> EmbedAsync(OpenSearchRoute os, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var generated = await embeddings.For(os).GenerateAsync(texts, cancellationToken: cancellationToken);
        var vectors = generated.Select(e => e.Vector.ToArray()).ToArray();
        if (vectors.Any(v => v.Length != os.Dimensions))
        {
            throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, $"the embedding model produced vectors of a size other than the route's {os.Dimensions} dimensions");
        }

        return vectors;
    }

    /// <summary>Runs a call against the cluster, mapping its failures to caller-safe errors (the detail goes to the log).</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, OpenSearchRoute os)
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

    private static OpenSearchRoute Resolve(TenantRoute route)
    {
        var (parsed, error) = OpenSearchRoute.Parse(route);
        return parsed ?? throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's route is misconfigured: " + error);
    }

    /// <summary>A second check behind the query filter: a shared-index hit must carry the caller's tenant.</summary>
    private static bool BelongsTo(OpenSearchRoute os, OpenSearchHit hit, string tenantId) =>
        ReadString(hit.Source, os.TenantField) == tenantId;

    private static SearchHit ToHit(OpenSearchRoute os, OpenSearchHit hit)
    {
        var text = ReadString(hit.Source, os.TextField) ?? string.Empty;
        var snippet = hit.Highlight.TryGetValue(os.TextField, out var fragments) && fragments.Count > 0 ? fragments[0].Trim() : Shorten(text);
        var id = ReadString(hit.Source, OpenSearchFields.DocId) ?? DocumentIdOf(hit.Id);
        return new SearchHit(id, ReadString(hit.Source, os.TitleField) ?? id, ReadString(hit.Source, OpenSearchFields.Url), snippet, Math.Round(hit.Score ?? 0, 6), ReadAttributes(hit.Source));
    }

    private static RetrievalDocument ToDocument(OpenSearchRoute os, OpenSearchHit hit) =>
        new(ReadString(hit.Source, OpenSearchFields.DocId) ?? DocumentIdOf(hit.Id), ReadString(hit.Source, os.TitleField) ?? string.Empty, ReadString(hit.Source, os.TextField) ?? string.Empty)
        {
            Url = ReadString(hit.Source, OpenSearchFields.Url),
            Attributes = ReadAttributes(hit.Source),
        };

    private static JsonObject Source(OpenSearchRoute os, string tenantId, RetrievalDocument document, string key, string hash, float[] vector, int passages)
    {
        var attributes = new JsonObject();
        foreach (var (name, values) in document.Attributes)
        {
            attributes[name] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        }

        var source = new JsonObject
        {
            [os.TenantField] = tenantId,
            [OpenSearchFields.DocId] = document.Id,
            [OpenSearchFields.DocKey] = key,
            [os.TitleField] = document.Title,
            [os.TextField] = document.Text,
            [OpenSearchFields.Attributes] = attributes,
            [OpenSearchFields.ContentHash] = hash,
            [OpenSearchFields.EmbeddingModel] = os.EmbeddingModel,
            [os.VectorField] = new JsonArray(vector.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
        };
        if (document.Url is not null)
        {
            source[OpenSearchFields.Url] = document.Url;
        }

        if (passages > 1)
        {
            source[OpenSearchFields.Passages] = passages;
        }

        return source;
    }

    /// <summary>A passage document: what a hit needs (tenant, ids, title, url, attributes) and the passage's text and vector.</summary>
    private static JsonObject PassageSource(OpenSearchRoute os, string tenantId, RetrievalDocument document, string key, int passage, string text, float[] vector)
    {
        var source = Source(os, tenantId, document, key, hash: string.Empty, vector, passages: 1);
        source.Remove(OpenSearchFields.ContentHash);
        source[os.TextField] = text;
        source[OpenSearchFields.Passage] = passage;
        return source;
    }

    /// <summary>What a passage is embedded as: the title and the passage, as the local backend does.</summary>
    private static string EmbeddingText(string title, string passage) => title + "\n\n" + passage;

    /// <summary>
    /// Content, model and passage size together: a document re-ingested unchanged is skipped; one whose model or
    /// chunking changed (or that was stored before passages existed) is embedded and written again.
    /// </summary>
    internal static string ContentHash(OpenSearchRoute os, ChunkingOptions chunking, RetrievalDocument document) =>
        document.ContentHash(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{os.EmbeddingModel}|passages {chunking.ChunkWords}/{chunking.OverlapWords}"));

    private static string DocumentIdOf(string key) => key[(key.IndexOf(':') + 1)..];

    private static string? ReadString(JsonElement source, string field) =>
        source.ValueKind == JsonValueKind.Object && source.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadAttributes(JsonElement source)
    {
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (source.ValueKind == JsonValueKind.Object && source.TryGetProperty(OpenSearchFields.Attributes, out var values) && values.ValueKind == JsonValueKind.Object)
        {
            foreach (var attribute in values.EnumerateObject())
            {
                attributes[attribute.Name] = attribute.Value.ValueKind == JsonValueKind.Array
                    ? attribute.Value.EnumerateArray().Select(v => v.ToString()).ToArray()
                    : [attribute.Value.ToString()];
            }
        }

        return attributes;
    }

    private static string Shorten(string text)
    {
        if (text.Length <= OpenSearchQueries.SnippetLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', OpenSearchQueries.SnippetLength);
        return text[..(cut > OpenSearchQueries.SnippetLength / 2 ? cut : OpenSearchQueries.SnippetLength)] + " …";
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// A tenant's documents in an OpenSearch index, one OpenSearch document per McpRag document. Keyword (BM25
/// <c>multi_match</c>), semantic (<c>knn</c>) and hybrid (<c>hybrid</c> query through a normalization pipeline, or
/// client-side rank fusion where the cluster lacks the neural-search plugin). Under document isolation the tenant is
/// enforced twice: every request built by <see cref="OpenSearchQueries"/> carries the tenant filter, and the OpenSearch
/// role the minted token maps to carries document-level security on the tenant field.
/// </summary>
public sealed class OpenSearchBackend(
    IOpenSearchClient client,
    OpenSearchAuthorizers authorizers,
    OpenSearchEmbeddings embeddings,
    IOptions<OpenSearchOptions> options,
    ILogger<OpenSearchBackend> logger) : IRetrievalBackend
{
    public const string BackendName = "opensearch";
    private static readonly TimeSpan HybridRetryAfter = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, bool> _readyIndexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _hybridUnsupportedUntil = new(StringComparer.Ordinal);

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
            if (!await IndexReadyAsync(os, target, create: false, cancellationToken))
            {
                return new SearchPage([], null);
            }

            var vector = query.Mode == SearchMode.Keyword ? null : await EmbedAsync(os, [query.Text], cancellationToken);
            return query.Mode switch
            {
                SearchMode.Keyword => await PageAsync(os, target, OpenSearchQueries.KeywordQuery(os, query.Text, scope), query, position, cancellationToken),
                SearchMode.Semantic => await PageAsync(os, target, OpenSearchQueries.SemanticQuery(os, vector![0], Window(position, query), scope), query, position, cancellationToken),
                _ => await HybridAsync(os, target, query, vector![0], scope, position, cancellationToken),
            };
        }, os, emptyOnMissingIndex: new SearchPage([], null));
    }

    public async Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, RetrievalDocument.EmptyAttributes);
        return await CallAsync(async () =>
        {
            if (!await IndexReadyAsync(os, target, create: false, cancellationToken))
            {
                return null;
            }

            var key = OpenSearchIndexNames.DocumentKey(principal.TenantId, id);
            var response = await client.SearchAsync(target, os.Index, OpenSearchQueries.ByKeys(os, [key], scope), null, cancellationToken);
            var hit = response.Hits.FirstOrDefault(h => h.Id == key && BelongsTo(os, h, principal.TenantId));
            return hit is null ? null : ToDocument(os, hit);
        }, os, emptyOnMissingIndex: null);
    }

    public Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken) =>
        ImportAsync(route, principal, documents.Select(d => (d, (float[]?)null)).ToList(), progress, cancellationToken);

    /// <summary>
    /// Writes documents, using the given vectors where there are any (they must come from the route's embedding model)
    /// and embedding the rest. Unchanged documents are skipped, so an interrupted import can simply be run again.
    /// </summary>
    public async Task<int> ImportAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> documents, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, RetrievalDocument.EmptyAttributes);
        return await CallAsync(async () =>
        {
            await IndexReadyAsync(os, target, create: true, cancellationToken);
            var written = 0;
            var done = 0;
            var failures = new List<string>();
            foreach (var batch in documents.Chunk(Math.Max(1, options.Value.BulkDocuments)))
            {
                var keys = batch.Select(d => OpenSearchIndexNames.DocumentKey(principal.TenantId, d.Document.Id)).Distinct().ToList();
                var stored = await client.SearchAsync(target, os.Index, OpenSearchQueries.ByKeys(os, keys, scope, OpenSearchFields.ContentHash), null, cancellationToken);
                var storedHashes = stored.Hits.ToDictionary(h => h.Id, h => ReadString(h.Source, OpenSearchFields.ContentHash), StringComparer.Ordinal);
                var changed = batch
                    .Select(d => (d.Document, d.Vector, Key: OpenSearchIndexNames.DocumentKey(principal.TenantId, d.Document.Id), Hash: ContentHash(os, d.Document)))
                    .Where(d => storedHashes.GetValueOrDefault(d.Key) != d.Hash)
                    .ToList();
                if (changed.Count > 0)
                {
                    var missing = changed.Where(d => d.Vector is null || d.Vector.Length != os.Dimensions).ToList();
                    var embedded = missing.Count == 0 ? [] : await EmbedAsync(os, missing.Select(d => EmbeddingText(d.Document)).ToList(), cancellationToken);
                    var next = 0;
                    var vectors = changed.Select(d => d.Vector is { } v && v.Length == os.Dimensions ? v : embedded[next++]).ToList();
                    var operations = changed.Select((d, i) => OpenSearchBulkOperation.Index(d.Key, Source(os, principal.TenantId, d.Document, d.Key, d.Hash, vectors[i]))).ToList();
                    var items = await BulkWithRetriesAsync(target, os.Index, operations, cancellationToken);
                    written += items.Count(i => i.Succeeded);
                    failures.AddRange(items.Where(i => !i.Succeeded).Select(i => $"{DocumentIdOf(i.Id)} ({i.ErrorType ?? i.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
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

            return written;
        }, os, emptyOnMissingIndex: 0, write: true);
    }

    /// <summary>How many documents of the tenant the route's index holds (for verifying a migration).</summary>
    public async Task<long> CountAsync(TenantRoute route, TenantPrincipal principal, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, principal);
        var scope = OpenSearchQueries.Scope(os, principal.TenantId, RetrievalDocument.EmptyAttributes);
        return await CallAsync(async () =>
        {
            var body = new JsonObject
            {
                ["size"] = 0,
                ["track_total_hits"] = true,
                ["query"] = new JsonObject { ["bool"] = new JsonObject { ["filter"] = scope } },
            };
            return (await client.SearchAsync(target, os.Index, body, null, cancellationToken)).Total;
        }, os, emptyOnMissingIndex: 0L);
    }

    public async Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var target = authorizers.TargetFor(os, principal);
        return await CallAsync(async () =>
        {
            if (!await IndexReadyAsync(os, target, create: false, cancellationToken))
            {
                return false;
            }

            var items = await client.BulkAsync(target, os.Index, [OpenSearchBulkOperation.Delete(OpenSearchIndexNames.DocumentKey(principal.TenantId, id))], cancellationToken);
            var item = items.Single();
            return item.Status switch
            {
                200 => true,
                404 => false,
                _ => throw new RetrievalException(RetrievalErrorCode.BackendError, $"the document was not deleted ({item.ErrorType ?? item.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)})"),
            };
        }, os, emptyOnMissingIndex: false);
    }

    /// <summary>
    /// The reason a route's existing index cannot serve the route's embedding model, or <c>null</c> when it can (or does
    /// not exist yet). Cluster failures are thrown as <see cref="OpenSearchRequestException"/>.
    /// </summary>
    public async Task<string?> VerifyMappingAsync(TenantRoute route, CancellationToken cancellationToken)
    {
        var os = Resolve(route);
        var mapping = await client.GetMappingAsync(authorizers.TargetFor(os, TenantPrincipal.Operator(route.TenantId)), os.Index, cancellationToken);
        return mapping is null ? null : MappingProblem(os, VectorDimension(mapping, os.VectorField));
    }

    private static string? MappingProblem(OpenSearchRoute os, int? dimension) =>
        dimension == os.Dimensions ? null
        : dimension is null ? $"the tenant's index has no k-NN vector field '{os.VectorField}'; provision it with 'mcprag opensearch provision'"
        : $"the tenant's index holds {dimension}-dimension vectors but the route's embedding model {os.EmbeddingModel} produces {os.Dimensions}; use the index's model or re-index";

    private async Task<bool> IndexReadyAsync(OpenSearchRoute os, OpenSearchTarget target, bool create, CancellationToken cancellationToken)
    {
        var cacheKey = os.Endpoint.GetLeftPart(UriPartial.Path) + "|" + os.Index;
        if (_readyIndexes.ContainsKey(cacheKey))
        {
            return true;
        }

        var mapping = await client.GetMappingAsync(target, os.Index, cancellationToken);
        if (mapping is null)
        {
            if (!create)
            {
                return false;
            }

            await client.CreateIndexAsync(target, os.Index, OpenSearchQueries.CreateIndex(os), cancellationToken);
            logger.LogInformation("Created OpenSearch index {Index} for tenant {Tenant}", os.Index, os.TenantId);
            mapping = await client.GetMappingAsync(target, os.Index, cancellationToken);
        }

        if (MappingProblem(os, VectorDimension(mapping, os.VectorField)) is { } problem)
        {
            throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, problem);
        }

        _readyIndexes[cacheKey] = true;
        return true;
    }

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

    private static int? VectorDimension(JsonElement? mapping, string vectorField)
    {
        if (mapping is not { ValueKind: JsonValueKind.Object } root)
        {
            return null;
        }

        foreach (var index in root.EnumerateObject())
        {
            if (index.Value.TryGetProperty("mappings", out var mappings) && mappings.TryGetProperty("properties", out var properties)
                && properties.TryGetProperty(vectorField, out var field) && field.TryGetProperty("dimension", out var dimension) && dimension.TryGetInt32(out var value))
            {
                return value;
            }
        }

        return null;
    }

    private async Task<SearchPage> PageAsync(OpenSearchRoute os, OpenSearchTarget target, JsonObject query, SearchQuery search, OpenSearchPosition position, CancellationToken cancellationToken)
    {
        var body = OpenSearchQueries.Page(os, query, search.Text, search.TopK + 1, position.After);
        var response = await client.SearchAsync(target, os.Index, body, null, cancellationToken);
        var hits = response.Hits.Where(h => BelongsTo(os, h, os.TenantId)).ToList();
        var page = hits.Take(search.TopK).ToList();
        var seen = position.Seen + page.Count;
        var next = hits.Count > search.TopK && seen < SearchLimits.MaxResultWindow && page[^1].Sort is { ValueKind: JsonValueKind.Array } sort
            ? new OpenSearchPosition(seen, JsonNode.Parse(sort.GetRawText())!.AsArray()).Encode()
            : null;
        return new SearchPage(page.Select(h => ToHit(os, h)).ToList(), next);
    }

    private async Task<SearchPage> HybridAsync(OpenSearchRoute os, OpenSearchTarget target, SearchQuery query, float[] vector, JsonArray scope, OpenSearchPosition position, CancellationToken cancellationToken)
    {
        if (position.After is not null)
        {
            throw RetrievalException.Invalid("cursor is not valid for this search");
        }

        var window = Window(position, query);
        IReadOnlyList<OpenSearchHit> ranked;
        var endpointKey = os.Endpoint.GetLeftPart(UriPartial.Authority);
        if (_hybridUnsupportedUntil.TryGetValue(endpointKey, out var until) && Environment.TickCount64 < until)
        {
            ranked = await FuseAsync(os, target, query, vector, scope, window, cancellationToken);
        }
        else
        {
            try
            {
                var body = OpenSearchQueries.Hybrid(os, query.Text, vector, window, scope);
                ranked = (await client.SearchAsync(target, os.Index, body, options.Value.HybridPipeline, cancellationToken)).Hits;
            }
            catch (OpenSearchRequestException ex) when (ex.Status is 400 or 404 && ex.ErrorType != "index_not_found_exception")
            {
                // No neural-search plugin (unknown query [hybrid]) or no pipeline: rank fusion on our side still answers.
                logger.LogWarning("Hybrid query not available on the cluster of tenant {Tenant}, using client-side rank fusion: {Reason}", os.TenantId, ex.Message);
                _hybridUnsupportedUntil[endpointKey] = Environment.TickCount64 + (long)HybridRetryAfter.TotalMilliseconds;
                ranked = await FuseAsync(os, target, query, vector, scope, window, cancellationToken);
            }
        }

        var owned = ranked.Where(h => BelongsTo(os, h, os.TenantId)).ToList();
        var page = owned.Skip(position.Seen).Take(query.TopK).ToList();
        var seen = position.Seen + page.Count;
        var next = owned.Count > seen && seen < SearchLimits.MaxResultWindow ? new OpenSearchPosition(seen, null).Encode() : null;
        return new SearchPage(page.Select(h => ToHit(os, h)).ToList(), next);
    }

    private async Task<IReadOnlyList<OpenSearchHit>> FuseAsync(OpenSearchRoute os, OpenSearchTarget target, SearchQuery query, float[] vector, JsonArray scope, int window, CancellationToken cancellationToken)
    {
        var keyword = await client.SearchAsync(target, os.Index, OpenSearchQueries.Page(os, OpenSearchQueries.KeywordQuery(os, query.Text, scope), query.Text, window, null), null, cancellationToken);
        var semantic = await client.SearchAsync(target, os.Index, OpenSearchQueries.Page(os, OpenSearchQueries.SemanticQuery(os, vector, window, scope), query.Text, window, null), null, cancellationToken);
        var byId = new Dictionary<string, OpenSearchHit>(StringComparer.Ordinal);
        foreach (var hit in semantic.Hits.Concat(keyword.Hits))
        {
            byId[hit.Id] = hit;
        }

        return ReciprocalRankFusion.Fuse(options.Value.RrfK, keyword.Hits.Select(h => h.Id).ToList(), semantic.Hits.Select(h => h.Id).ToList())
            .Select(f => byId[f.Item] with { Score = f.Score })
            .ToList();
    }

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
    /// <remarks>A read whose index disappeared answers <paramref name="emptyOnMissingIndex"/>; a write reports it.</remarks>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, OpenSearchRoute os, T emptyOnMissingIndex, bool write = false)
    {
        try
        {
            return await call();
        }
        catch (OpenSearchRequestException ex) when (ex.Status == 404 && ex.ErrorType == "index_not_found_exception")
        {
            _readyIndexes.TryRemove(os.Endpoint.GetLeftPart(UriPartial.Path) + "|" + os.Index, out _);
            return write
                ? throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's index was removed during the write; try again")
                : emptyOnMissingIndex;
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

    private static JsonObject Source(OpenSearchRoute os, string tenantId, RetrievalDocument document, string key, string hash, float[] vector)
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

        return source;
    }

    private static string EmbeddingText(RetrievalDocument document) => document.Title + "\n\n" + document.Text;

    /// <summary>Content and model together: a document re-ingested unchanged is skipped, one whose model changed is re-embedded.</summary>
    internal static string ContentHash(OpenSearchRoute os, RetrievalDocument document) => document.ContentHash(os.EmbeddingModel);

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

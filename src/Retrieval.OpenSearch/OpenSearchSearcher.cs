using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Ranking;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static McpRag.Retrieval.Backends.OpenSearch.OpenSearchDocuments;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Keyword (BM25 <c>multi_match</c>), semantic (<c>knn</c>) and hybrid search over a route's index, expressed as the
/// route's <see cref="OpenSearchStrategy"/> decides. Keyword pages continue by <c>search_after</c>; ranked searches
/// collapse records and passages to documents and continue by position. A cluster that refuses the hybrid query moves
/// the route to client-side fusion.
/// </summary>
internal sealed class OpenSearchSearcher(IOpenSearchClient client, OpenSearchIndexManager indexes, OpenSearchEmbeddings embeddings, IOptions<OpenSearchOptions> options, ILogger logger)
{
    public async Task<SearchPage> SearchAsync(OpenSearchRoute os, OpenSearchTarget target, JsonArray scope, SearchQuery query, CancellationToken cancellationToken)
    {
        var position = OpenSearchPosition.Decode(query.Position);
        var strategy = StrategyFor(await indexes.StrategyAsync(os, target, cancellationToken), position);
        await indexes.EnsureReadyAsync(os, target, cancellationToken);
        var vector = query.Mode == SearchMode.Keyword ? null : await embeddings.EmbedAsync(os, [query.Text], cancellationToken);
        return query.Mode switch
        {
            SearchMode.Keyword => await PageAsync(os, target, strategy, OpenSearchQueries.KeywordQuery(os, query.Text, scope), query, position, cancellationToken),
            SearchMode.Semantic => await SemanticAsync(os, target, strategy, query, vector![0], scope, position, cancellationToken),
            _ => await HybridAsync(os, target, strategy, query, vector![0], scope, position, cancellationToken),
        };
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

    private async Task<SearchPage> PageAsync(OpenSearchRoute os, OpenSearchTarget target, OpenSearchStrategy strategy, JsonObject query, SearchQuery search, OpenSearchPosition position, CancellationToken cancellationToken)
    {
        var body = OpenSearchQueries.Page(os, query, search.Text, search.TopK + 1, position.After, search.SnippetChars);
        var response = await client.SearchAsync(target, os.Index, body, null, cancellationToken);
        var hits = response.Hits.Where(h => BelongsTo(os, h, os.TenantId)).ToList();
        var page = hits.Take(search.TopK).ToList();
        var seen = position.Seen + page.Count;
        var next = hits.Count > search.TopK && seen < SearchLimits.MaxResultWindow && page[^1].Sort is { ValueKind: JsonValueKind.Array } sort
            ? new OpenSearchPosition(seen, JsonNode.Parse(sort.GetRawText())!.AsArray(), strategy.Code).Encode()
            : null;
        return new SearchPage(page.Select(h => ToHit(os, h, search.SnippetChars)).ToList(), next);
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
        var body = OpenSearchQueries.Body(os, OpenSearchQueries.SemanticQuery(os, vector, k, scope, strategy.KnnFilter), query.Text, k, query.SnippetChars);
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
                var body = OpenSearchQueries.Hybrid(os, query.Text, vector, window, scope, strategy.KnnFilter, query.SnippetChars);
                ranked = ByDocument(os, (await client.SearchAsync(target, os.Index, body, options.Value.HybridPipeline, cancellationToken)).Hits);
            }
            catch (OpenSearchRequestException ex) when (OpenSearchRequestException.ProvesNoHybrid(ex))
            {
                // The cluster said the hybrid query cannot run here, which the table did not foresee (a plugin removed,
                // a DLS mode): this route, and only this route, ranks by client-side fusion from now on.
                var fallback = strategy with { Hybrid = OpenSearchHybridExecution.ClientFusion, Reason = "the cluster refused the hybrid query" };
                indexes.Replace(os, fallback);
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
                throw OpenSearchIndexManager.NotProvisioned();
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
        return new SearchPage(page.Select(h => ToHit(os, h, query.SnippetChars)).ToList(), next);
    }

    private async Task<IReadOnlyList<OpenSearchHit>> FuseAsync(OpenSearchRoute os, OpenSearchTarget target, OpenSearchStrategy strategy, SearchQuery query, float[] vector, JsonArray scope, int window, CancellationToken cancellationToken)
    {
        var keyword = await client.SearchAsync(target, os.Index, OpenSearchQueries.Page(os, OpenSearchQueries.KeywordQuery(os, query.Text, scope), query.Text, window, null, query.SnippetChars), null, cancellationToken);
        var semantic = await client.SearchAsync(target, os.Index, OpenSearchQueries.Page(os, OpenSearchQueries.SemanticQuery(os, vector, window, scope, strategy.KnnFilter), query.Text, window, null, query.SnippetChars), null, cancellationToken);
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
        Math.Min(Window(position, query) * OpenSearchBackend.PassageOversampling, 10_000);

    private static int Window(OpenSearchPosition position, SearchQuery query) =>
        Math.Min(position.Seen + query.TopK + 1, SearchLimits.MaxResultWindow + 1);
}

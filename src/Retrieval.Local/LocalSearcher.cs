using Lucene.Net.Search;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Keyword (BM25 with the tenant's own statistics), semantic (nearest chunks) and hybrid (both, fused) search over a
/// local index, collapsed to documents and paged by offset. Every query runs inside <see cref="LocalQueries.Scope"/>,
/// which always carries the caller's tenant.
/// </summary>
internal sealed class LocalSearcher(LocalIndexStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings, LocalBackendOptions options)
{
    private readonly QueryVectorCache _queryVectors = new(options.QueryVectorCacheSize);

    public async Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken)
    {
        var offset = ParsePosition(query.Position);
        var window = offset + query.TopK;
        var candidates = Math.Min(SearchLimits.MaxResultWindow * 4, Math.Max(options.Candidates, window * 3));
        var scope = LocalQueries.Scope(principal.TenantId, query.Criteria());
        var index = store.Get(route);
        return await index.SearchAsync(async searcher =>
        {
            List<RankedDocument> Keyword() => LocalEvidence.Keyword(KeywordSearcher(searcher, principal), scope, query.Text, options, candidates);

            // Hybrid: BM25 runs on another thread while this one embeds the query (a lone query runs the model on
            // the caller's thread), so an idle server answers in about the model's time rather than the sum of both;
            // under load the pool runs it wherever there is room, at no extra CPU.
            var keywordSide = query.Mode switch
            {
                SearchMode.Semantic => Task.FromResult<List<RankedDocument>>([]),
                SearchMode.Keyword => Task.FromResult(Keyword()),
                _ => Task.Run(Keyword, cancellationToken),
            };
            var semanticSide = query.Mode == SearchMode.Keyword ? Task.FromResult<List<RankedDocument>>([]) : SemanticAsync(searcher, index, scope, principal.TenantId, query.Text, candidates, cancellationToken);
            await Task.WhenAll(keywordSide, semanticSide);
            var (keyword, semantic) = (keywordSide.Result, semanticSide.Result);
            var ranked = query.Mode switch
            {
                SearchMode.Keyword => keyword,
                SearchMode.Semantic => semantic,
                _ => LocalRanking.Fuse(options, keyword, semantic),
            };

            var shown = ranked.Skip(offset).Take(query.TopK).ToList();
            var matches = query.Mode == SearchMode.Semantic ? null : LocalSnippets.For(query.Text).Find(searcher, shown.Select(r => r.Chunk));
            var page = shown.Select(r => ToHit(searcher, r, matches, query.SnippetChars)).ToList();
            var next = ranked.Count > window && window < SearchLimits.MaxResultWindow ? window.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return new SearchPage(page, next);
        }, new SearchPage([], null));
    }

    private async Task<List<RankedDocument>> SemanticAsync(IndexSearcher searcher, LocalIndex index, Query scope, string tenant, string text, int candidates, CancellationToken cancellationToken) =>
        LocalEvidence.Semantic(searcher, index, scope, await _queryVectors.GetOrAddAsync(tenant, text, EmbedAsync, cancellationToken), options, candidates);

    /// <summary>Embeds a search query, marked as one so that asymmetric models add their query instruction.</summary>
    private async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        (await embeddings.GenerateAsync([text], EmbeddingPurpose.Query(), cancellationToken))[0].Vector.ToArray();

    /// <summary>
    /// Keyword scores use the caller's tenant's statistics only (<see cref="TenantStatistics"/>), in every isolation
    /// mode: in a shared index another tenant's writes and deletes cannot move them, and because every mode counts them
    /// the same way (live passages, lengths from the norms BM25 scores with) a tenant ranks identically whichever mode
    /// holds it — an export restored into another mode gives the same order.
    /// </summary>
    private static IndexSearcher KeywordSearcher(IndexSearcher searcher, TenantPrincipal principal) =>
        TenantStatistics.Scope(searcher, principal.TenantId);

    /// <summary>A page's hit; <paramref name="matches"/> is <c>null</c> in semantic mode, whose hits show their passage's start.</summary>
    private static SearchHit ToHit(IndexSearcher searcher, RankedDocument ranked, Dictionary<int, List<LocalSnippets.Match>>? matches, int snippetChars)
    {
        var chunk = ChunkFields.Load(searcher, ranked.Chunk);
        var text = chunk.Get(IndexFields.Text) ?? string.Empty;
        var (snippet, truncated) = LocalSnippets.Snippet(text, matches?.GetValueOrDefault(ranked.Chunk), snippetChars);
        return new SearchHit(ranked.DocId, chunk.Get(IndexFields.Title) ?? ranked.DocId, chunk.Get(IndexFields.Url), snippet, Math.Round(ranked.Score, 6), LocalDocuments.ReadAttributes(chunk))
        {
            SnippetTruncated = truncated,
        };
    }

    private static int ParsePosition(string? position) =>
        position is null ? 0
        : int.TryParse(position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset) && offset <= SearchLimits.MaxResultWindow ? offset
        : throw RetrievalException.Invalid("cursor is not valid for this search");
}

using Lucene.Net.Search;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// A document's score in one mode from two levels of evidence: its best passage and the document as a whole (keyword:
/// BM25 over <see cref="IndexFields.Body"/> and the title; semantic: the document vector, <see cref="IndexFields.DocVector"/>),
/// mixed as <c>(1 − w)·passage + w·document</c>. Both levels score the same query terms or the same query vector, so
/// their scores share a scale and need no normalisation.
/// </summary>
internal static class LocalEvidence
{
    /// <summary>
    /// Keyword ranking; <paramref name="searcher"/> carries the tenant's own statistics (<see cref="TenantStatistics"/>) for every field.
    /// With <see cref="LocalBackendOptions.FeedbackDocuments"/> above 0 the ranking is run a second time with the query
    /// expanded from the first one's top documents (<see cref="LocalFeedback"/>).
    /// </summary>
    public static List<RankedDocument> Keyword(IndexSearcher searcher, Query scope, string text, LocalBackendOptions options, int candidates)
    {
        if (LocalQueries.Text(text, options.TitleBoost) is not { } passageQuery)
        {
            return [];
        }

        var weight = options.KeywordDocumentWeight;
        var ranking = Keyword(searcher, scope, passageQuery, weight <= 0 ? null : LocalQueries.Documents(text, options.TitleBoost), weight, candidates);
        if (options.FeedbackDocuments == 0 || ranking.Count == 0 || LocalFeedback.Expand(searcher, text, ranking, options) is not { } expanded)
        {
            return ranking;
        }

        return Keyword(searcher, scope, LocalQueries.Text(expanded, options.TitleBoost), weight <= 0 ? null : LocalQueries.Documents(expanded, options.TitleBoost), weight, candidates);
    }

    private static List<RankedDocument> Keyword(IndexSearcher searcher, Query scope, Query passageQuery, Query? documentQuery, double weight, int candidates)
    {
        var passages = weight >= 1 ? null : searcher.Search(passageQuery, new QueryWrapperFilter(scope), candidates).ScoreDocs;
        var documents = documentQuery is null
            ? null
            : searcher.Search(documentQuery, new QueryWrapperFilter(LocalQueries.Heads(scope)), candidates).ScoreDocs;
        return Combine(searcher, passages, documents, weight, candidates);
    }

    /// <summary>Semantic ranking: nearest passages and, when weighed, nearest document vectors.</summary>
    public static List<RankedDocument> Semantic(IndexSearcher searcher, LocalIndex index, Query scope, float[] vector, LocalBackendOptions options, int candidates)
    {
        var weight = options.SemanticDocumentWeight;
        var passages = weight >= 1 ? null : LocalVectorSearch.NearestChunks(searcher, index.Vectors, scope, vector, candidates);
        var documents = weight <= 0 ? null : LocalVectorSearch.NearestChunks(searcher, index.DocumentVectors, LocalQueries.Heads(scope), vector, candidates);
        return Combine(searcher, passages, documents, weight, candidates);
    }

    /// <summary>
    /// One ranking of documents from passage hits and head hits. A document missing from a list that was cut at
    /// <paramref name="candidates"/> gets that list's lowest score (it scored no higher), from an uncut list 0. The
    /// snippet comes from the document's best passage, or its head when no passage ranked.
    /// </summary>
    private static List<RankedDocument> Combine(IndexSearcher searcher, ScoreDoc[]? passageHits, ScoreDoc[]? documentHits, double weight, int candidates)
    {
        var passages = passageHits is null ? null : LocalRanking.Collapse(searcher, passageHits);
        var documents = documentHits is null ? null : LocalRanking.Collapse(searcher, documentHits);
        if (documents is null)
        {
            return passages ?? [];
        }

        if (passages is null)
        {
            return documents;
        }

        var passageFloor = passageHits!.Length >= candidates && passages.Count > 0 ? passages[^1].Score : 0;
        var documentFloor = documentHits!.Length >= candidates && documents.Count > 0 ? documents[^1].Score : 0;
        var passageScores = passages.ToDictionary(p => p.DocId, StringComparer.Ordinal);
        var documentScores = documents.ToDictionary(d => d.DocId, d => d.Score, StringComparer.Ordinal);
        var order = passages.Select(p => p.DocId).Concat(documents.Select(d => d.DocId)).Distinct(StringComparer.Ordinal).ToList();
        var heads = documents.ToDictionary(d => d.DocId, d => d.Chunk, StringComparer.Ordinal);
        return order
            .Select((id, rank) => (Rank: rank, Document: new RankedDocument(
                id,
                passageScores.TryGetValue(id, out var best) ? best.Chunk : heads[id],
                ((1 - weight) * (best?.Score ?? passageFloor)) + (weight * documentScores.GetValueOrDefault(id, documentFloor)))))
            .OrderByDescending(r => r.Document.Score)
            .ThenBy(r => r.Rank)
            .Select(r => r.Document)
            .ToList();
    }
}

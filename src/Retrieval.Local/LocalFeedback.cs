using Lucene.Net.Index;
using Lucene.Net.Search;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// RM3 pseudo-relevance feedback for keyword search: the words of the best passages of the first ranking's top
/// documents, each weighed by its share of the passage times the document's score (RM1), the strongest kept and
/// interpolated with the query's own words. A short query misses the words a relevant document uses for the same
/// thing; the top of a first ranking is mostly relevant and holds them. Words in more than a tenth of the tenant's
/// passages carry no evidence and are skipped; counts are the tenant's own (<see cref="TenantStatistics"/>).
/// </summary>
internal static class LocalFeedback
{
    private const double MaxPassageShare = 0.1;
    private static readonly HashSet<string> FeedbackFields = [IndexFields.Title, IndexFields.Text];

    /// <summary>The expanded query as analysed words and weights (summing to 1), or null when the query has no words.</summary>
    public static IReadOnlyList<(string Word, double Weight)>? Expand(IndexSearcher searcher, string text, IReadOnlyList<RankedDocument> ranking, LocalBackendOptions options)
    {
        var query = Normalise(Words(text));
        if (query.Count == 0)
        {
            return null;
        }

        var passages = searcher.CollectionStatistics(IndexFields.Text).DocCount;
        var feedback = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var document in ranking.Take(options.FeedbackDocuments))
        {
            var fields = searcher.Doc(document.Chunk, FeedbackFields);
            var words = Words(fields.Get(IndexFields.Title) + "\n" + fields.Get(IndexFields.Text));
            var length = words.Values.Sum();
            foreach (var (word, count) in words)
            {
                feedback[word] = feedback.GetValueOrDefault(word) + (document.Score * count / length);
            }
        }

        var expansion = Normalise(feedback
            .OrderByDescending(w => w.Value)
            .ThenBy(w => w.Key, StringComparer.Ordinal)
            .Where(w => w.Key.Length is > 1 and <= 20 && PassageShare(searcher, w.Key, passages) <= MaxPassageShare)
            .Take(options.FeedbackTerms)
            .ToDictionary(w => w.Key, w => w.Value, StringComparer.Ordinal));
        var alpha = options.FeedbackQueryWeight;
        return query.Keys.Union(expansion.Keys, StringComparer.Ordinal)
            .Select(w => (w, (alpha * query.GetValueOrDefault(w)) + ((1 - alpha) * expansion.GetValueOrDefault(w))))
            .ToList();
    }

    /// <summary>Analysed words of <paramref name="text"/> (<see cref="LocalIndex.Words"/>) and their counts.</summary>
    private static Dictionary<string, double> Words(string text)
    {
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var word in LocalIndex.Words(text))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        return counts;
    }

    private static Dictionary<string, double> Normalise(Dictionary<string, double> weights)
    {
        var total = weights.Values.Sum();
        return total <= 0 ? [] : weights.ToDictionary(w => w.Key, w => w.Value / total, StringComparer.Ordinal);
    }

    private static double PassageShare(IndexSearcher searcher, string word, long passages)
    {
        var term = new Term(IndexFields.Text, word);
        return passages <= 0 ? 1 : (double)searcher.TermStatistics(term, TermContext.Build(searcher.IndexReader.Context, term)).DocFreq / passages;
    }
}

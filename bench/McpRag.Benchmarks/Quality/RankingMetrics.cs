namespace McpRag.Benchmarks.Quality;

/// <summary>
/// The trec_eval measures the report uses. nDCG@k (<c>ndcg_cut</c>): the gain of a result is its judged grade
/// (0 when unjudged or not positive), discounted by log2(rank + 1); the ideal DCG ranks the judged grades in
/// descending order. Recall@k: the share of documents judged relevant (grade above 0) found in the first k.
/// </summary>
internal static class RankingMetrics
{
    public static double NdcgAt(int k, IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judged)
    {
        var dcg = 0.0;
        for (var i = 0; i < Math.Min(k, ranking.Count); i++)
        {
            dcg += Gain(judged.GetValueOrDefault(ranking[i])) / Math.Log2(i + 2);
        }

        var ideal = 0.0;
        var grades = judged.Values.Where(g => g > 0).OrderByDescending(g => g).Take(k).ToList();
        for (var i = 0; i < grades.Count; i++)
        {
            ideal += grades[i] / Math.Log2(i + 2);
        }

        return ideal == 0 ? 0 : dcg / ideal;
    }

    public static double RecallAt(int k, IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judged)
    {
        var relevant = judged.Count(j => j.Value > 0);
        if (relevant == 0)
        {
            return 0;
        }

        var found = ranking.Take(k).Distinct(StringComparer.Ordinal).Count(id => judged.GetValueOrDefault(id) > 0);
        return (double)found / relevant;
    }

    private static double Gain(int grade) => Math.Max(0, grade);
}

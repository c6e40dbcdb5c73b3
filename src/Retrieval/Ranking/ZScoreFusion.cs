namespace McpRag.Retrieval.Ranking;

/// <summary>
/// Convex combination of z-scored lists: <c>w·z(semantic) + (1 − w)·z(keyword)</c>, each list standardised by its own
/// mean and standard deviation. Unlike min-max scaling, one outlying top score does not squash the rest of its list.
/// An item missing from a list gets that list's lowest z-score (it ranked below every item the list kept); a list
/// whose scores are all equal gives each item 0.
/// </summary>
public static class ZScoreFusion
{
    public static IReadOnlyList<(T Item, double Score)> Fuse<T>(double semanticWeight, IReadOnlyList<(T Item, double Score)> keyword, IReadOnlyList<(T Item, double Score)> semantic)
        where T : notnull
    {
        var (keywordScores, keywordFloor) = Standardise(keyword);
        var (semanticScores, semanticFloor) = Standardise(semantic);
        var order = new Dictionary<T, int>();
        foreach (var (item, _) in keyword.Concat(semantic))
        {
            order.TryAdd(item, order.Count);
        }

        return order.Keys
            .Select(item => (Item: item, Score:
                ((1 - semanticWeight) * (keyword.Count == 0 ? 0 : keywordScores.GetValueOrDefault(item, keywordFloor)))
                + (semanticWeight * (semantic.Count == 0 ? 0 : semanticScores.GetValueOrDefault(item, semanticFloor)))))
            .OrderByDescending(s => s.Score)
            .ThenBy(s => order[s.Item])
            .ToList();
    }

    private static (Dictionary<T, double> Scores, double Floor) Standardise<T>(IReadOnlyList<(T Item, double Score)> list)
        where T : notnull
    {
        var scores = new Dictionary<T, double>();
        if (list.Count == 0)
        {
            return (scores, 0);
        }

        var mean = list.Average(x => x.Score);
        var deviation = Math.Sqrt(list.Average(x => (x.Score - mean) * (x.Score - mean)));
        foreach (var (item, score) in list)
        {
            scores.TryAdd(item, deviation > 0 ? (score - mean) / deviation : 0);
        }

        return (scores, scores.Values.Min());
    }
}

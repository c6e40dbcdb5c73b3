namespace McpRag.Retrieval.Ranking;

/// <summary>
/// Reciprocal rank fusion: each list contributes 1/(k + rank) per item. It needs no score normalization, which
/// matters because BM25 scores and cosine similarities live on unrelated scales.
/// </summary>
public static class ReciprocalRankFusion
{
    public static IReadOnlyList<(T Item, double Score)> Fuse<T>(int k, params IReadOnlyList<T>[] rankings)
        where T : notnull
    {
        var scores = new Dictionary<T, double>();
        var firstSeen = new Dictionary<T, int>();
        foreach (var ranking in rankings)
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                var item = ranking[rank];
                scores[item] = scores.GetValueOrDefault(item) + 1.0 / (k + rank + 1);
                firstSeen.TryAdd(item, firstSeen.Count);
            }
        }

        return scores
            .OrderByDescending(s => s.Value)
            .ThenBy(s => firstSeen[s.Key])
            .Select(s => (s.Key, s.Value))
            .ToList();
    }
}

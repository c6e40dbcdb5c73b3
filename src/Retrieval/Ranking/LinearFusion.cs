namespace McpRag.Retrieval.Ranking;

/// <summary>
/// Convex combination of min-max normalized scores: <c>w·semantic + (1 − w)·keyword</c>, each list scaled to
/// [0, 1] on its own (a list of one scores 1). An item missing from a list contributes 0 from it.
/// </summary>
public static class LinearFusion
{
    public static IReadOnlyList<(T Item, double Score)> Fuse<T>(double semanticWeight, IReadOnlyList<(T Item, double Score)> keyword, IReadOnlyList<(T Item, double Score)> semantic)
        where T : notnull
    {
        var scores = new Dictionary<T, double>();
        var firstSeen = new Dictionary<T, int>();
        Add(keyword, 1 - semanticWeight);
        Add(semantic, semanticWeight);
        return scores
            .OrderByDescending(s => s.Value)
            .ThenBy(s => firstSeen[s.Key])
            .Select(s => (s.Key, s.Value))
            .ToList();

        void Add(IReadOnlyList<(T Item, double Score)> list, double weight)
        {
            if (list.Count == 0)
            {
                return;
            }

            var max = list.Max(x => x.Score);
            var min = list.Min(x => x.Score);
            var range = max - min;
            foreach (var (item, score) in list)
            {
                var normalized = range > 0 ? (score - min) / range : 1.0;
                scores[item] = scores.GetValueOrDefault(item) + weight * normalized;
                firstSeen.TryAdd(item, firstSeen.Count);
            }
        }
    }
}

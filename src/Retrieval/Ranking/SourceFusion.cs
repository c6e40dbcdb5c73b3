using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Ranking;

/// <summary>
/// Fuses the ranked hits of several sources into one ranking by rank, never by score: the sources' scores share no
/// scale (BM25, cosine, a fused score, Q index's confidence buckets), their ranks do. A hit's fused score is its
/// reciprocal rank in its own source, <c>1 / (k + rank)</c> with <c>k = 60</c> (reciprocal rank fusion), so the
/// sources take turns, rank by rank, in the route's order. A hit whose url an earlier hit of the page already has is a
/// copy of that document in another source: it is dropped (and counted as used), the better-ranked copy stays.
/// </summary>
public static class SourceFusion
{
    public const int K = 60;

    /// <summary>
    /// Up to <paramref name="topK"/> hits, best first, each with its source-qualified id; and how many hits of each
    /// source were used (emitted or dropped as copies), always a prefix of its candidates, so paging can resume after it.
    /// </summary>
    /// <param name="names">Source names, in the route's order.</param>
    /// <param name="candidates">Each source's next hits in its own order; <c>null</c> for a source that gave none this time.</param>
    /// <param name="ranks">Each source's rank of its first candidate (how many of its hits earlier pages used).</param>
    /// <param name="topK">The page size.</param>
    public static (IReadOnlyList<SearchHit> Hits, int[] Used) Merge(IReadOnlyList<string> names, IReadOnlyList<IReadOnlyList<SearchHit>?> candidates, IReadOnlyList<int> ranks, int topK)
    {
        var used = new int[names.Count];
        var hits = new List<SearchHit>(topK);
        var urls = new HashSet<string>(StringComparer.Ordinal);
        while (hits.Count < topK)
        {
            var next = -1;
            for (var i = 0; i < names.Count; i++)
            {
                if (candidates[i] is { } list && used[i] < list.Count && (next < 0 || ranks[i] + used[i] < ranks[next] + used[next]))
                {
                    next = i;
                }
            }

            if (next < 0)
            {
                break;
            }

            var hit = candidates[next]![used[next]];
            var rank = ranks[next] + used[next];
            used[next]++;
            if (!string.IsNullOrWhiteSpace(hit.Url) && !urls.Add(hit.Url.Trim()))
            {
                continue;
            }

            hits.Add(hit with { Id = names[next] + ":" + hit.Id, Score = 1.0 / (K + rank + 1), Source = names[next] });
        }

        return (hits, used);
    }
}

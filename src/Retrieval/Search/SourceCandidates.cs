namespace McpRag.Retrieval.Search;

/// <summary>
/// The next hits of one source for a page of a several-source search: what remains of the page its position points
/// at, and, when that is less than a page, the page after it too, so the source can fill the whole fused page.
/// </summary>
internal sealed record SourceCandidates(IReadOnlyList<SearchHit> First, string? FirstNext, IReadOnlyList<SearchHit>? Second, string? SecondNext)
{
    public IReadOnlyList<SearchHit> All { get; } = Second is null ? First : [.. First, .. Second];

    /// <summary>Asks the source (<paramref name="search"/>) for its hits after <paramref name="position"/>.</summary>
    public static async Task<SourceCandidates> FetchAsync(Func<SearchQuery, CancellationToken, Task<SearchPage>> search, SearchQuery query, SourcePosition position, CancellationToken cancellationToken)
    {
        var first = await search(query with { Position = position.Position }, cancellationToken);
        var remaining = first.Hits.Skip(position.Skip).ToList();
        if (remaining.Count >= query.TopK || first.NextPosition is null)
        {
            return new SourceCandidates(remaining, first.NextPosition, null, null);
        }

        var second = await search(query with { Position = first.NextPosition }, cancellationToken);
        return new SourceCandidates(remaining, first.NextPosition, second.Hits, second.NextPosition);
    }

    /// <summary>Where the source stands once a page used <paramref name="used"/> of these hits; <c>null</c> when it has no more.</summary>
    public SourcePosition? After(SourcePosition position, int used)
    {
        var rank = position.Rank + used;
        if (used < First.Count)
        {
            return position with { Skip = position.Skip + used, Rank = rank };
        }

        if (Second is null)
        {
            return FirstNext is null ? null : new SourcePosition(FirstNext, 0, rank);
        }

        var intoSecond = used - First.Count;
        return intoSecond < Second.Count ? new SourcePosition(FirstNext, intoSecond, rank)
            : SecondNext is null ? null
            : new SourcePosition(SecondNext, 0, rank);
    }
}

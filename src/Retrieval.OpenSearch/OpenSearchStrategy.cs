namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// How one route's queries are expressed, chosen by <see cref="OpenSearchCapabilities"/> from the cluster's version
/// and plugins. Its <see cref="Code"/> travels in the paging cursor, so every page of one search uses the same shapes.
/// </summary>
public sealed record OpenSearchStrategy(OpenSearchHybridExecution Hybrid, OpenSearchKnnFiltering KnnFilter, string Reason)
{
    /// <summary>Two letters: <c>n</c>ative or <c>c</c>lient-side hybrid, <c>e</c>fficient or <c>p</c>ost k-NN filtering.</summary>
    public string Code => (Hybrid == OpenSearchHybridExecution.Native ? "n" : "c") + (KnnFilter == OpenSearchKnnFiltering.Efficient ? "e" : "p");

    /// <summary>The strategy a cursor names, or <c>null</c> for an unknown code.</summary>
    public static OpenSearchStrategy? FromCode(string code) => code.Length != 2 ? null : (code[0], code[1]) switch
    {
        ('n' or 'c', 'e' or 'p') => new OpenSearchStrategy(
            code[0] == 'n' ? OpenSearchHybridExecution.Native : OpenSearchHybridExecution.ClientFusion,
            code[1] == 'e' ? OpenSearchKnnFiltering.Efficient : OpenSearchKnnFiltering.PostFilter,
            "named by the cursor"),
        _ => null,
    };

    /// <summary>
    /// Whether a search started with <paramref name="other"/> can continue on a route that now uses this strategy:
    /// client-side fusion and post-filtering run anywhere, the native shapes only where this strategy has them.
    /// </summary>
    public bool CanContinue(OpenSearchStrategy other) =>
        (other.Hybrid == OpenSearchHybridExecution.ClientFusion || Hybrid == OpenSearchHybridExecution.Native)
        && (other.KnnFilter == OpenSearchKnnFiltering.PostFilter || KnnFilter == OpenSearchKnnFiltering.Efficient);
}

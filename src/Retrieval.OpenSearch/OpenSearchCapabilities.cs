namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The version and plugin table that decides, per route, how hybrid search, k-NN filtering and the vector space are
/// expressed. Each row names the release that brought the capability and the change or page behind it, so a query
/// shape is chosen from what the cluster is, never learned from a failed request.
/// </summary>
/// <remarks>
/// Hybrid under document isolation: a shared-index role always carries document-level security, and the security
/// plugin wraps the top-level <c>hybrid</c> query in the DLS filter, which neural-search then refuses ("hybrid query
/// must be a top level query", neural-search issue #1303). Neural-search PR #1432 (3.2) handles part of it; the
/// security plugin keeps the query top level only from security PR #6416 and its follow-up #6428 for k-NN and neural
/// branches (3.9). Below that, document-isolated routes rank hybrid results by client-side fusion from the first call.
/// </remarks>
public static class OpenSearchCapabilities
{
    /// <summary>One row of the table: the first release with a capability and where that is recorded.</summary>
    public sealed record Row(string Capability, Version Since, string Reference);

    /// <summary>Lucene-engine k-NN with filters applied during the search (k-NN docs, efficient k-NN filtering).</summary>
    public static readonly Row LuceneEfficientFilter = new("lucene efficient k-NN filter", new Version(2, 4), "docs: vector-search/filter-search-knn/efficient-knn-filtering (2.4, Lucene 9.4)");

    /// <summary>Faiss HNSW with filters applied during the search.</summary>
    public static readonly Row FaissEfficientFilter = new("faiss efficient k-NN filter", new Version(2, 9), "docs: vector-search/filter-search-knn/efficient-knn-filtering (faiss HNSW 2.9)");

    /// <summary>The <c>normalization-processor</c> search pipeline that <c>hybrid</c> queries run through.</summary>
    public static readonly Row NormalizationProcessor = new("normalization-processor", new Version(2, 10), "docs: vector-search/ai-search/hybrid-search (2.10)");

    /// <summary>The <c>hybrid</c> query of the neural-search plugin.</summary>
    public static readonly Row HybridQuery = new("hybrid query", new Version(2, 11), "docs: vector-search/ai-search/hybrid-search (introduced 2.11)");

    /// <summary><c>cosinesimil</c> on the faiss engine (vectors normalized at ingest, inner product inside).</summary>
    public static readonly Row FaissCosine = new("faiss cosinesimil", new Version(2, 19), "k-NN PR #2376 (2.19)");

    /// <summary>A top-level <c>hybrid</c> query under document-level security.</summary>
    public static readonly Row HybridUnderDls = new("hybrid query under document-level security", new Version(3, 9), "neural-search #1303; neural-search PR #1432 (3.2); security PR #6416 and #6428 (3.9)");

    /// <summary>Every row, oldest first, for documentation and the log.</summary>
    public static readonly IReadOnlyList<Row> Rows = [LuceneEfficientFilter, FaissEfficientFilter, NormalizationProcessor, HybridQuery, FaissCosine, HybridUnderDls];

    /// <summary>
    /// The strategy for a route on a cluster, or the one-line reason the route cannot be served there (the index's
    /// space type is not available on the cluster's version, or k-NN is missing).
    /// </summary>
    public static (OpenSearchStrategy? Strategy, string? Error) Choose(OpenSearchRoute route, OpenSearchCluster cluster)
    {
        var version = cluster.Version;
        if (!cluster.Has(OpenSearchCluster.KnnPlugin))
        {
            return (null, $"the cluster (OpenSearch {version}) has no k-NN plugin ({OpenSearchCluster.KnnPlugin}), which the route's vector field needs");
        }

        if (route.Engine == "faiss" && version < FaissCosine.Since)
        {
            return (null, $"engine faiss with space type cosinesimil needs OpenSearch {FaissCosine.Since.ToString(2)} or later ({FaissCosine.Reference}); the cluster runs {version}: use engine lucene");
        }

        var efficient = version >= (route.Engine == "faiss" ? FaissEfficientFilter.Since : LuceneEfficientFilter.Since);
        var filtering = efficient ? OpenSearchKnnFiltering.Efficient : OpenSearchKnnFiltering.PostFilter;

        if (!cluster.Has(OpenSearchCluster.NeuralSearchPlugin) || version < HybridQuery.Since)
        {
            return (new OpenSearchStrategy(OpenSearchHybridExecution.ClientFusion, filtering, $"no hybrid query on OpenSearch {version} without {OpenSearchCluster.NeuralSearchPlugin} ({HybridQuery.Reference})"), null);
        }

        if (route.FiltersOnTenant && version < HybridUnderDls.Since)
        {
            return (new OpenSearchStrategy(OpenSearchHybridExecution.ClientFusion, filtering, $"document isolation on OpenSearch {version}: hybrid under document-level security needs {HybridUnderDls.Since.ToString(2)} ({HybridUnderDls.Reference})"), null);
        }

        return (new OpenSearchStrategy(OpenSearchHybridExecution.Native, filtering, $"hybrid query on OpenSearch {version}"), null);
    }
}

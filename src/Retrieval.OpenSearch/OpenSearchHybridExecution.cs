namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>How a hybrid search runs on a route's cluster.</summary>
public enum OpenSearchHybridExecution
{
    /// <summary>One <c>hybrid</c> query through the normalization search pipeline (scores min-max normalized and weighted).</summary>
    Native,

    /// <summary>A keyword and a k-NN query, fused on the server by reciprocal rank.</summary>
    ClientFusion,
}

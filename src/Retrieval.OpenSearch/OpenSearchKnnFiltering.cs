namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>Where the tenant and attribute filters of a k-NN query go.</summary>
public enum OpenSearchKnnFiltering
{
    /// <summary>Inside <c>knn.{field}.filter</c>: the engine filters while it searches, so k results come back.</summary>
    Efficient,

    /// <summary>In a <c>bool.filter</c> around the k-NN query: filtered after the k nearest are found, so fewer may come back.</summary>
    PostFilter,
}

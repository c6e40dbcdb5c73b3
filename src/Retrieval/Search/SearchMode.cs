namespace McpRag.Retrieval.Search;

/// <summary>How a query is matched: lexical BM25, embedding similarity, or both fused.</summary>
public enum SearchMode
{
    Hybrid,
    Keyword,
    Semantic,
}

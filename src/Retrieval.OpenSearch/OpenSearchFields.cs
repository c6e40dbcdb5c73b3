namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>Field names of an McpRag document in OpenSearch that are not configurable per route.</summary>
public static class OpenSearchFields
{
    public const string DocId = "doc_id";

    /// <summary>Same value as <c>_id</c>, as a keyword: the tie-breaker of the <c>search_after</c> sort (sorting on <c>_id</c> is disabled by default).</summary>
    public const string DocKey = "doc_key";
    public const string Url = "url";
    public const string Attributes = "attributes";
    public const string ContentHash = "content_hash";
    public const string EmbeddingModel = "embedding_model";

    /// <summary>On a passage document: its number (1, 2, …). Documents without it are document records (passage 0).</summary>
    public const string Passage = "passage";

    /// <summary>On a document record: how many passages the document has, record included.</summary>
    public const string Passages = "passages";
}

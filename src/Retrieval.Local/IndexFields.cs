namespace McpRag.Retrieval.Backends.Local;

/// <summary>Lucene field names of a chunk document, in one place.</summary>
internal static class IndexFields
{
    public const string TenantId = "tenant_id";
    public const string DocId = "doc_id";

    /// <summary>Tenant and document id together: the unit that is replaced or deleted atomically.</summary>
    public const string DocKey = "doc_key";

    /// <summary>Marks the first chunk, which also stores the whole document text and its content hash.</summary>
    public const string Head = "head";
    public const string ChunkNo = "chunk_no";
    public const string Title = "title";
    public const string Text = "text";
    public const string Url = "url";
    public const string DocText = "doc_text";
    public const string ContentHash = "content_hash";
    public const string Vector = "vec";

    /// <summary>
    /// The whole document text as one BM25 field on the head chunk (indexed, not stored: the stored copy is
    /// <see cref="DocText"/>), so keyword search can weigh the document as a whole beside its best passage.
    /// </summary>
    public const string Body = "body";

    /// <summary>The document's vector on the head chunk: the normalised mean of its passage vectors (binary doc values).</summary>
    public const string DocVector = "doc_vec";
    public const string AttributePrefix = "attr.";

    /// <summary>
    /// Attribute values that read as numbers or ISO dates, also indexed as numeric points (not stored) so range filters
    /// can compare them. Added without a format change: documents written before carry only <see cref="AttributePrefix"/>
    /// fields, and a range simply does not match them until they are written again.
    /// </summary>
    public const string NumberPrefix = "attrnum.";

    /// <inheritdoc cref="NumberPrefix"/>
    public const string DatePrefix = "attrdate.";

    /// <summary>Commit user-data key recording the embedding model that built the index.</summary>
    public const string ModelCommitKey = "embedding_model";

    /// <summary>Commit user-data key recording the index layout (<see cref="LocalIndexFormat"/>); an index without it is layout 1.</summary>
    public const string FormatCommitKey = "format_version";

    public static string Key(string tenantId, string docId) => tenantId + "\u001f" + docId;
}

namespace McpRag.Retrieval.Search;

/// <summary>Bounds on what a caller may ask for; one place so tools, docs and tests agree.</summary>
public static class SearchLimits
{
    public const int MaxQueryLength = 2_000;
    public const int MinTopK = 1;
    public const int MaxTopK = 50;
    public const int DefaultTopK = 8;
    public const int MaxFilters = 16;
    public const int MaxFilterValues = 32;
    public const int MaxFilterValueLength = 256;
    public const int MaxIdLength = 512;

    /// <summary>How deep <c>$and</c>/<c>$or</c>/<c>$not</c> may nest in one filter (the top level is 1).</summary>
    public const int MaxFilterDepth = 4;

    /// <summary>Most conditions and operators one filter may hold, counted over the whole tree.</summary>
    public const int MaxFilterNodes = 32;

    /// <summary>How deep paging may go: a cursor past this many results is refused rather than scanning further.</summary>
    public const int MaxResultWindow = 1_000;

    /// <summary>Attribute names a filter may never name: they carry tenancy or identity and are set by the server.</summary>
    public static readonly IReadOnlySet<string> ReservedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "tenant_id", "tenant", "id", "doc_id", "doc_key", "chunk_id", "chunk_no", "title", "text", "url",
    };
}

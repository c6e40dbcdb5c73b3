using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The one place that decides OpenSearch index names: which index a route reads, and which names are acceptable.
/// OpenSearch's own rules (lowercase, no <c>\ / * ? " &lt; &gt; | , #</c> or spaces, not starting with <c>_ - +</c>)
/// are narrowed to a plain ASCII form so a name is also safe in a URL path, a role pattern and a YAML file.
/// </summary>
public static class OpenSearchIndexNames
{
    public const int MaxLength = 128;

    /// <summary>Index used by document-isolated and domain-isolated routes that name none.</summary>
    public const string DefaultSharedIndex = "mcprag-documents";

    /// <summary>Prefix of the index a tenant gets under index isolation when its route names none.</summary>
    public const string TenantIndexPrefix = "mcprag-";

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength }
        && name[0] is >= 'a' and <= 'z' or >= '0' and <= '9'
        && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.')
        && name is not "." and not "..";

    /// <summary>The index a route's data lives in.</summary>
    public static string For(TenantRoute route) => route.Index ?? route.Isolation switch
    {
        TenantIsolation.Index => TenantIndexPrefix + route.TenantId,
        _ => DefaultSharedIndex,
    };

    /// <summary>
    /// The OpenSearch <c>_id</c> of a tenant's document. The tenant is part of the id in every isolation mode, so two
    /// tenants' documents with the same id can never overwrite each other in a shared index.
    /// </summary>
    public static string DocumentKey(string tenantId, string documentId) => tenantId + ":" + documentId;

    /// <summary>
    /// The <c>_id</c> of passage <paramref name="passage"/> (1 or more) of a document: <c>tenant~n:id</c>. Tenant ids
    /// hold neither '~' nor ':', so no passage key can equal a document key, whatever the document ids.
    /// </summary>
    public static string PassageKey(string tenantId, string documentId, int passage) =>
        tenantId + "~" + passage.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + documentId;
}

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>Server-wide settings of the OpenSearch backend (<c>McpRag:OpenSearch</c>); per-tenant settings live in the route.</summary>
public sealed class OpenSearchOptions
{
    public const string Section = "McpRag:OpenSearch";

    /// <summary>The longest lifetime a downstream token may have: it is minted per call, so minutes are plenty.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary><c>iss</c> of the JWTs minted for OpenSearch; the <c>jwt_auth_domain</c> requires exactly this issuer.</summary>
    public string Issuer { get; set; } = "mcprag";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>PEM file with the RSA private key that signs downstream tokens; by default one is created under the data directory.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Search pipeline with the <c>normalization-processor</c> that hybrid queries run through.</summary>
    public string HybridPipeline { get; set; } = "mcprag-hybrid";

    /// <summary>Weight of the keyword sub-query in hybrid scoring; the semantic sub-query gets the rest.</summary>
    public double HybridKeywordWeight { get; set; } = 0.3;

    /// <summary>Reciprocal-rank-fusion constant for the client-side fallback when the cluster has no neural-search plugin.</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>Documents sent in one bulk request.</summary>
    public int BulkDocuments { get; set; } = 64;

    /// <summary>How often bulk items rejected with 429 are sent again before they count as failed.</summary>
    public int BulkRetries { get; set; } = 3;

    /// <summary>Pause before the first re-send of rejected bulk items; it doubles on each further attempt.</summary>
    public TimeSpan BulkRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}

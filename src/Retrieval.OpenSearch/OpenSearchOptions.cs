using System.ComponentModel.DataAnnotations;
using McpRag.Retrieval.Settings;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>Server-wide settings of the OpenSearch backend (<c>McpRag:OpenSearch</c>); per-tenant settings live in the route.</summary>
public sealed class OpenSearchOptions : IValidatableObject
{
    public const string Section = "McpRag:OpenSearch";

    /// <summary>The longest lifetime a downstream token may have: it is minted per call, so minutes are plenty.</summary>
    public static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromMinutes(5);

    /// <summary><c>iss</c> of the JWTs minted for OpenSearch; the <c>jwt_auth_domain</c> requires exactly this issuer.</summary>
    [SettingRequired(ErrorMessage = "McpRag:OpenSearch:Issuer must not be empty")]
    public string Issuer { get; set; } = "mcprag";

    [SettingRange(typeof(TimeSpan), "00:00:00", "00:05:00", MinimumIsExclusive = true, ErrorMessage = "McpRag:OpenSearch:TokenLifetime must be more than 0 and at most 00:05:00")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>PEM file with the RSA private key that signs downstream tokens; by default one is created under the data directory.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Search pipeline with the <c>normalization-processor</c> that hybrid queries run through.</summary>
    public string HybridPipeline { get; set; } = "mcprag-hybrid";

    /// <summary>Weight of the keyword sub-query in hybrid scoring; the semantic sub-query gets the rest.</summary>
    [SettingRange(0d, 1d, MinimumIsExclusive = true, MaximumIsExclusive = true, ErrorMessage = "McpRag:OpenSearch:HybridKeywordWeight must be between 0 and 1 (exclusive)")]
    public double HybridKeywordWeight { get; set; } = 0.3;

    /// <summary>Reciprocal-rank-fusion constant for the client-side fallback when the cluster has no neural-search plugin.</summary>
    [SettingRange(1, 1_000, ErrorMessage = "McpRag:OpenSearch:RrfK must be between 1 and 1000")]
    public int RrfK { get; set; } = 60;

    /// <summary>Documents sent in one bulk request.</summary>
    [SettingRange(1, 1_000, ErrorMessage = "McpRag:OpenSearch:BulkDocuments must be between 1 and 1000")]
    public int BulkDocuments { get; set; } = 64;

    /// <summary>How often bulk items rejected with 429 are sent again before they count as failed.</summary>
    [SettingRange(0, 10, ErrorMessage = "McpRag:OpenSearch:BulkRetries must be between 0 and 10")]
    public int BulkRetries { get; set; } = 3;

    /// <summary>Pause before the first re-send of rejected bulk items; it doubles on each further attempt.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "00:00:30", ErrorMessage = "McpRag:OpenSearch:BulkRetryDelay must be between 00:00:00 and 00:00:30")]
    public TimeSpan BulkRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The rules an attribute cannot say: the key file exists, and the pipeline id is a valid OpenSearch name.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SigningKeyFile is not null && !File.Exists(SigningKeyFile))
        {
            yield return new ValidationResult("McpRag:OpenSearch:SigningKeyFile names a file that does not exist");
        }

        if (string.IsNullOrWhiteSpace(HybridPipeline) || !OpenSearchIndexNames.IsValid(HybridPipeline))
        {
            yield return new ValidationResult("McpRag:OpenSearch:HybridPipeline must be 1-128 of a-z, 0-9, '-', '_' and '.'");
        }
    }
}

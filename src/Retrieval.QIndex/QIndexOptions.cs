using System.ComponentModel.DataAnnotations;
using McpRag.Retrieval.Settings;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Server-wide settings of the Amazon Q index backend (<c>McpRag:QIndex</c>). Per-tenant values (application,
/// retriever, data accessor) live in the routing table; what is here is the same for every tenant.
/// </summary>
public sealed class QIndexOptions : IValidatableObject
{
    public const string Section = "McpRag:QIndex";

    /// <summary>Overrides the STS endpoint (a VPC endpoint, or a local fake in tests). Default: the regional endpoint.</summary>
    public string? StsServiceUrl { get; set; }

    /// <summary>Overrides the IAM Identity Center OIDC endpoint. Default: <c>https://oidc.{idcRegion}.amazonaws.com</c>.</summary>
    public string? SsoOidcServiceUrl { get; set; }

    /// <summary>Overrides the Q Business endpoint. Default: <c>https://qbusiness.{region}.api.aws</c>.</summary>
    public string? QBusinessServiceUrl { get; set; }

    /// <summary>Lifetime asked of STS for the ISV role sessions; role chaining caps it at one hour.</summary>
    [SettingRange(typeof(TimeSpan), "00:15:00", "12:00:00", ErrorMessage = "McpRag:QIndex:SessionDuration must be between 00:15:00 and 12:00:00")]
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Cached credentials are replaced this long before they expire, so a call never signs with nearly-expired keys.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most callers (tenant + subject) whose identity-aware credentials are kept; the least recently used go first.</summary>
    [SettingRange(1, 1_000_000, ErrorMessage = "McpRag:QIndex:CredentialCacheSize must be between 1 and 1000000")]
    public int CredentialCacheSize { get; set; } = 10_000;

    /// <summary>Attempts of a throttled or failed-on-the-server <c>SearchRelevantContent</c> call before giving up.</summary>
    [SettingRange(1, 10, ErrorMessage = "McpRag:QIndex:MaxAttempts must be between 1 and 10")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First back-off delay between attempts; doubled on every retry, with jitter.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "00:00:30", ErrorMessage = "McpRag:QIndex:RetryBaseDelay must be between 0 and 00:00:30")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Timeout of one call to Q Business, STS or IAM Identity Center.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "00:05:00", MinimumIsExclusive = true, ErrorMessage = "McpRag:QIndex:RequestTimeout must be more than 0 and at most 00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the passages a caller was shown stay available to <c>fetch</c> (the service has no get-by-id).</summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "1.00:00:00", MinimumIsExclusive = true, ErrorMessage = "McpRag:QIndex:RecentResultsLifetime must be more than 0 and at most 1.00:00:00")]
    public TimeSpan RecentResultsLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most documents remembered per caller for <c>fetch</c>.</summary>
    [SettingRange(1, 10_000, ErrorMessage = "McpRag:QIndex:RecentDocumentsPerCaller must be between 1 and 10000")]
    public int RecentDocumentsPerCaller { get; set; } = 200;

    /// <summary>The rules an attribute cannot say: endpoint overrides are http(s) URLs, and refreshing starts within a session.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { ("StsServiceUrl", StsServiceUrl), ("SsoOidcServiceUrl", SsoOidcServiceUrl), ("QBusinessServiceUrl", QBusinessServiceUrl) })
        {
            if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
            {
                yield return new ValidationResult($"{Section}:{name} must be an absolute http(s) URL");
            }
        }

        // Measured against SessionDuration only when that is itself valid: one bad value gives one reason.
        var sessionValid = SessionDuration >= TimeSpan.FromMinutes(15) && SessionDuration <= TimeSpan.FromHours(12);
        if (RefreshBeforeExpiry < TimeSpan.Zero || (sessionValid && RefreshBeforeExpiry >= SessionDuration))
        {
            yield return new ValidationResult($"{Section}:RefreshBeforeExpiry must be at least 0 and less than SessionDuration");
        }
    }
}

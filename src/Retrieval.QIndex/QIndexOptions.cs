namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Server-wide settings of the Amazon Q index backend (<c>McpRag:QIndex</c>). Per-tenant values (application,
/// retriever, data accessor) live in the routing table; what is here is the same for every tenant.
/// </summary>
public sealed class QIndexOptions
{
    public const string Section = "McpRag:QIndex";

    /// <summary>Overrides the STS endpoint (a VPC endpoint, or a local fake in tests). Default: the regional endpoint.</summary>
    public string? StsServiceUrl { get; set; }

    /// <summary>Overrides the IAM Identity Center OIDC endpoint. Default: <c>https://oidc.{idcRegion}.amazonaws.com</c>.</summary>
    public string? SsoOidcServiceUrl { get; set; }

    /// <summary>Overrides the Q Business endpoint. Default: <c>https://qbusiness.{region}.api.aws</c>.</summary>
    public string? QBusinessServiceUrl { get; set; }

    /// <summary>Lifetime asked of STS for the ISV role sessions; role chaining caps it at one hour.</summary>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Cached credentials are replaced this long before they expire, so a call never signs with nearly-expired keys.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most callers (tenant + subject) whose identity-aware credentials are kept; the least recently used go first.</summary>
    public int CredentialCacheSize { get; set; } = 10_000;

    /// <summary>Attempts of a throttled or failed-on-the-server <c>SearchRelevantContent</c> call before giving up.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First back-off delay between attempts; doubled on every retry, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Timeout of one call to Q Business, STS or IAM Identity Center.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the passages a caller was shown stay available to <c>fetch</c> (the service has no get-by-id).</summary>
    public TimeSpan RecentResultsLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most documents remembered per caller for <c>fetch</c>.</summary>
    public int RecentDocumentsPerCaller { get; set; } = 200;

    public static string? Validate(QIndexOptions options)
    {
        foreach (var (name, value) in new[] { ("StsServiceUrl", options.StsServiceUrl), ("SsoOidcServiceUrl", options.SsoOidcServiceUrl), ("QBusinessServiceUrl", options.QBusinessServiceUrl) })
        {
            if (value is not null && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
            {
                return $"{Section}:{name} must be an absolute http(s) URL";
            }
        }

        return options switch
        {
            { SessionDuration.TotalSeconds: < 900 or > 43_200 } => $"{Section}:SessionDuration must be between 00:15:00 and 12:00:00",
            { RefreshBeforeExpiry: var r } when r < TimeSpan.Zero || r >= options.SessionDuration => $"{Section}:RefreshBeforeExpiry must be at least 0 and less than SessionDuration",
            { CredentialCacheSize: < 1 or > 1_000_000 } => $"{Section}:CredentialCacheSize must be between 1 and 1000000",
            { MaxAttempts: < 1 or > 10 } => $"{Section}:MaxAttempts must be between 1 and 10",
            { RetryBaseDelay: var d } when d < TimeSpan.Zero || d > TimeSpan.FromSeconds(30) => $"{Section}:RetryBaseDelay must be between 0 and 00:00:30",
            { RequestTimeout: var t } when t <= TimeSpan.Zero || t > TimeSpan.FromMinutes(5) => $"{Section}:RequestTimeout must be more than 0 and at most 00:05:00",
            { RecentResultsLifetime: var l } when l <= TimeSpan.Zero || l > TimeSpan.FromDays(1) => $"{Section}:RecentResultsLifetime must be more than 0 and at most 1.00:00:00",
            { RecentDocumentsPerCaller: < 1 or > 10_000 } => $"{Section}:RecentDocumentsPerCaller must be between 1 and 10000",
            _ => null,
        };
    }
}

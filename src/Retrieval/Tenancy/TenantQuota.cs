namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// A tenant's share of the server: a token bucket with <see cref="RequestsPerMinute"/> refill and <see cref="Burst"/>
/// capacity for the tenant, a smaller bucket for each subject inside it (so one user cannot use the tenant's whole
/// quota), and a cap on calls in flight. Writes also pay for what they cost: each passage a write embeds is taken
/// from a bucket of <see cref="EmbeddedChunksPerMinute"/> (holding one minute's worth), and one write may embed at
/// most <see cref="MaxChunksPerWrite"/> passages. In the routing table every field is optional; missing ones come
/// from <c>McpRag:Throttling:DefaultQuota</c>.
/// </summary>
public sealed record TenantQuota
{
    public int RequestsPerMinute { get; init; } = 600;

    public int Burst { get; init; } = 100;

    public int SubjectRequestsPerMinute { get; init; } = 300;

    public int SubjectBurst { get; init; } = 50;

    public int MaxConcurrent { get; init; } = 16;

    /// <summary>Passages the tenant's writes may embed per minute; the bucket holds one minute's worth.</summary>
    public int EmbeddedChunksPerMinute { get; init; } = 600;

    /// <summary>Passages one write call may embed (about 200,000 characters at the default); larger documents belong to <c>mcprag ingest</c>.</summary>
    public int MaxChunksPerWrite { get; init; } = 200;

    /// <summary>Each field's routing-table name and largest value, in the order reasons name them.</summary>
    private static readonly Dictionary<string, int> Maxima = new(StringComparer.Ordinal)
    {
        ["requestsPerMinute"] = 1_000_000,
        ["burst"] = 1_000_000,
        ["subjectRequestsPerMinute"] = 1_000_000,
        ["subjectBurst"] = 1_000_000,
        ["maxConcurrent"] = 10_000,
        ["embeddedChunksPerMinute"] = 1_000_000,
        ["maxChunksPerWrite"] = 100_000,
    };

    /// <summary>Returns a one-line reason when a value is out of range, otherwise <c>null</c>.</summary>
    public string? Validate() => Maxima
        .Select(f => (f.Key, f.Value, value: Get(f.Key)))
        .Where(f => f.value < 1 || f.value > f.Value)
        .Select(f => $"quota.{f.Key} must be between 1 and {f.Value}")
        .FirstOrDefault()
        ?? (MaxChunksPerWrite > EmbeddedChunksPerMinute ? "quota.maxChunksPerWrite must not exceed quota.embeddedChunksPerMinute (a write that large could never be admitted)" : null);

    /// <summary>This quota with the fields a route sets; throws <see cref="FormatException"/> when the result is out of range.</summary>
    public TenantQuota Overlay(TenantQuotaOverride quota)
    {
        if (quota.IsEmpty)
        {
            return this;
        }

        var result = new TenantQuota
        {
            RequestsPerMinute = quota.RequestsPerMinute ?? RequestsPerMinute,
            Burst = quota.Burst ?? Burst,
            SubjectRequestsPerMinute = quota.SubjectRequestsPerMinute ?? SubjectRequestsPerMinute,
            SubjectBurst = quota.SubjectBurst ?? SubjectBurst,
            MaxConcurrent = quota.MaxConcurrent ?? MaxConcurrent,
            EmbeddedChunksPerMinute = quota.EmbeddedChunksPerMinute ?? EmbeddedChunksPerMinute,
            MaxChunksPerWrite = quota.MaxChunksPerWrite ?? MaxChunksPerWrite,
        };
        return result.Validate() is { } error ? throw new FormatException(error) : result;
    }

    private int Get(string name) => name switch
    {
        "requestsPerMinute" => RequestsPerMinute,
        "burst" => Burst,
        "subjectRequestsPerMinute" => SubjectRequestsPerMinute,
        "subjectBurst" => SubjectBurst,
        "embeddedChunksPerMinute" => EmbeddedChunksPerMinute,
        "maxChunksPerWrite" => MaxChunksPerWrite,
        _ => MaxConcurrent,
    };
}

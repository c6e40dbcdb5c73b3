namespace McpRag.McpServer.Audit;

/// <summary>
/// One record per tool call and per request rejected before reaching a tool. It names who did what with which
/// outcome; it never holds the token or document text, and the query text only when configured.
/// </summary>
internal sealed record AuditEvent
{
    public required DateTimeOffset Time { get; init; }

    public required string RequestId { get; init; }

    /// <summary><c>http</c> or <c>stdio</c>.</summary>
    public required string Transport { get; init; }

    public string? Tenant { get; init; }

    public string? Subject { get; init; }

    public string? Tool { get; init; }

    public string? Mode { get; init; }

    public string? Backend { get; init; }

    /// <summary><c>ok|invalid_argument|unauthenticated|forbidden|throttled|not_found|backend_error</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The exact error code reported to the caller, when it is more specific than the outcome.</summary>
    public string? Error { get; init; }

    public int? Hits { get; init; }

    /// <summary>On a route of several sources: each source's backend, outcome, latency and hits (one call, one event).</summary>
    public IReadOnlyList<McpRag.Retrieval.Search.SourceReport>? Sources { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>Keyed hash of the query (correlates repeated queries without storing them).</summary>
    public string? QueryHash { get; init; }

    /// <summary>The query itself, only with <c>McpRag:Audit:IncludeQueryText</c>.</summary>
    public string? Query { get; init; }
}

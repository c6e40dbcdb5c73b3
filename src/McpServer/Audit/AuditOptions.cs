namespace McpRag.McpServer.Audit;

/// <summary>Audit trail settings (<c>McpRag:Audit</c>).</summary>
internal sealed class AuditOptions
{
    public const string Section = "McpRag:Audit";

    /// <summary>Store query text in audit events. Off by default: queries can hold personal data.</summary>
    public bool IncludeQueryText { get; set; }

    /// <summary>Base64 key (≥ 32 bytes) for query hashes; without it each process uses its own, so hashes correlate only within one process.</summary>
    public string? QueryHashKey { get; set; }

    /// <summary>Folder of the daily JSON-lines files (<c>audit-YYYY-MM-DD-PID.jsonl</c>); relative to the data directory. Empty turns the file sink off.</summary>
    public string Directory { get; set; } = "audit";

    /// <summary>Events buffered for the file writer; beyond this, events are counted as dropped rather than blocking calls.</summary>
    public int Capacity { get; set; } = 10_000;
}

using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Throttling;

/// <summary>Per-tenant throttling (<c>McpRag:Throttling</c>).</summary>
public sealed class ThrottlingOptions
{
    public const string Section = "McpRag:Throttling";

    /// <summary>
    /// <c>local</c>: token buckets in this process. <c>redis</c>: token buckets shared by every replica through Redis,
    /// so a tenant's quota holds across the fleet; while Redis is unreachable each replica falls back to its local buckets.
    /// </summary>
    public string Store { get; set; } = "local";

    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Quota for tenants whose route sets none (and for the fields a route leaves out).</summary>
    public TenantQuota DefaultQuota { get; set; } = new();
}

using System.ComponentModel.DataAnnotations;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Throttling;

/// <summary>Per-tenant throttling (<c>McpRag:Throttling</c>).</summary>
internal sealed class ThrottlingOptions : IValidatableObject
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

    /// <summary>The store is one of two, Redis needs its address, and the default quota follows the routing table's rules.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Store is not ("local" or "redis"))
        {
            yield return new ValidationResult("McpRag:Throttling:Store must be 'local' or 'redis'");
        }

        if (Store == "redis" && string.IsNullOrWhiteSpace(Redis))
        {
            yield return new ValidationResult("McpRag:Throttling:Redis must name the Redis server when Store is 'redis'");
        }

        if (DefaultQuota.Validate() is not null)
        {
            yield return new ValidationResult("McpRag:Throttling:DefaultQuota values must all be at least 1");
        }
    }
}

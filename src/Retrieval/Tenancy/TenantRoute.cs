using System.Text.Json;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Where a tenant's data lives, read from the routing table. The common fields are typed here; anything a
/// particular backend needs beyond them stays in <see cref="Settings"/> so a new backend adds settings without
/// changing this record.
/// </summary>
public sealed record TenantRoute(string TenantId, string Backend, TenantIsolation Isolation)
{
    /// <summary>Index name for <see cref="TenantIsolation.Index"/> and <see cref="TenantIsolation.Document"/> isolation.</summary>
    public string? Index { get; init; }

    /// <summary>The tenant's own data root (local backend, <see cref="TenantIsolation.Domain"/> isolation).</summary>
    public string? DataRoot { get; init; }

    /// <summary>The route's own quota fields; <c>null</c> fields fall back to the configured default quota.</summary>
    public JsonElement Quota { get; init; }

    /// <summary>Operator switch: the tenant's data may be searched and read but not changed (write tools are hidden and refused).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Operator allowlist of the tools this tenant may use; <c>null</c> allows every tool its tokens' scopes allow.</summary>
    public IReadOnlySet<string>? Tools { get; init; }

    /// <summary>The route's whole JSON object, for backend-specific settings.</summary>
    public JsonElement Settings { get; init; }
}

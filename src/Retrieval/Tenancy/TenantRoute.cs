using System.Text.Json;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Where a tenant's data lives, read from the routing table and validated once when it loads. The common fields are
/// typed here; what a particular backend needs beyond them is bound by that backend into its own typed
/// <see cref="Location"/>, so a new backend adds settings without changing this record.
/// </summary>
public sealed record TenantRoute(string TenantId, string Backend, TenantIsolation Isolation)
{
    /// <summary>Index name for <see cref="TenantIsolation.Index"/> and <see cref="TenantIsolation.Document"/> isolation.</summary>
    public string? Index { get; init; }

    /// <summary>The tenant's own data root (local backend, <see cref="TenantIsolation.Domain"/> isolation).</summary>
    public string? DataRoot { get; init; }

    /// <summary>The route's own quota fields; <c>null</c> fields fall back to the configured default quota.</summary>
    public TenantQuotaOverride Quota { get; init; } = TenantQuotaOverride.None;

    /// <summary>Operator switch: the tenant's data may be searched and read but not changed (write tools are hidden and refused).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Operator allowlist of the tools this tenant may use; <c>null</c> allows every tool its tokens' scopes allow.</summary>
    public IReadOnlySet<string>? Tools { get; init; }

    /// <summary>
    /// The tenant's declared filterable attributes (its filter schema): their types decide which filter operators apply,
    /// and the <c>search</c> tool that tenant's callers list shows them. Empty when the route declares none.
    /// </summary>
    public IReadOnlyDictionary<string, AttributeSchema> Attributes { get; init; } = AttributeSchema.None;

    /// <summary>
    /// The route's sources when it lists several (<c>sources</c> in the table), each bound by its own backend; the
    /// route's <see cref="Backend"/> is then <see cref="SourcesBackendName"/>. <c>null</c> for a single-backend route.
    /// </summary>
    public IReadOnlyList<RouteSource>? Sources { get; init; }

    /// <summary>The <see cref="Backend"/> of a route with <see cref="Sources"/>.</summary>
    public const string SourcesBackendName = "sources";

    /// <summary>The route's whole JSON object, which the backend reads its <see cref="Location"/> from when the table loads.</summary>
    public JsonElement Settings { get; init; }

    /// <summary>
    /// The backend's typed settings, bound when the table loads (<see cref="Search.IRetrievalBackend.ValidateRoute"/>);
    /// <c>null</c> for a backend that needs none beyond the fields above (local).
    /// </summary>
    public BackendLocation? Location { get; init; }
}

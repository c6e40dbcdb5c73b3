using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Auth;

/// <summary>The scope each tool requires; one table read by the HTTP scope check and the per-call filter alike.</summary>
public static class ToolScopes
{
    private static readonly Dictionary<string, string> Required = new(StringComparer.Ordinal)
    {
        ["search"] = TenantPrincipal.ReadScope,
        ["fetch"] = TenantPrincipal.ReadScope,
        ["upsert_document"] = TenantPrincipal.WriteScope,
        ["delete_document"] = TenantPrincipal.WriteScope,
    };

    /// <summary>Every scope some tool needs, for <c>scopes_supported</c> in the protected-resource metadata.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Required.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The scope a tool needs; tools not listed need the read scope.</summary>
    public static string For(string toolName) => Required.GetValueOrDefault(toolName, TenantPrincipal.ReadScope);
}

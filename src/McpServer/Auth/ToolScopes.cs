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

    /// <summary>The scope a tool needs; tools not listed need the read scope.</summary>
    public static string For(string toolName) => Required.GetValueOrDefault(toolName, TenantPrincipal.ReadScope);
}

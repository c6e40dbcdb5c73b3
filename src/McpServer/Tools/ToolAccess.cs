using McpRag.McpServer.Auth;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tools;

/// <summary>
/// The one rule for which tools a caller may use: the token must carry the tool's declared scope, and the operator's
/// controls must allow it (a read-only server or tenant refuses write tools; a tenant's allowlist names the tools it
/// may use). <c>tools/list</c> shows exactly the tools this allows; a call to any other known tool is refused as
/// <c>forbidden</c>, never as an unknown tool.
/// </summary>
public sealed class ToolAccess(ToolScopes scopes, IOptions<ToolAccessOptions> options)
{
    private readonly bool _serverReadOnly = options.Value.ReadOnly;

    /// <summary>Why the operator's controls refuse <paramref name="tool"/> on <paramref name="route"/>, or <c>null</c> when they allow it.</summary>
    public string? RefusalFor(string tool, TenantRoute? route)
    {
        var isWrite = scopes.For(tool) == TenantPrincipal.WriteScope;
        return isWrite && _serverReadOnly ? "this server is read-only"
            : isWrite && route?.ReadOnly == true ? "this tenant is read-only"
            : route?.Tools is { } allowed && !allowed.Contains(tool) ? "this tool is not enabled for this tenant"
            : null;
    }

    /// <summary>Whether <paramref name="principal"/> (or, without a valid token, a read-only caller) may see and use <paramref name="tool"/>.</summary>
    public bool Allows(TenantPrincipal? principal, TenantRoute? route, string tool) =>
        scopes.For(tool) is { } scope
        && (principal?.HasScope(scope) ?? scope == TenantPrincipal.ReadScope)
        && RefusalFor(tool, route) is null;

    /// <summary>Throws the <c>forbidden</c> error for a tool the operator's controls refuse.</summary>
    public void Demand(string tool, TenantRoute route)
    {
        if (RefusalFor(tool, route) is { } reason)
        {
            throw new RetrievalException(RetrievalErrorCode.Forbidden, reason);
        }
    }
}

using McpRag.McpServer.Auth;
using McpRag.McpServer.Tools;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// Authorize: the one rule for which tools a caller may use. The token must carry the scope the tool declares
/// (<see cref="ToolScopes"/>, from its <see cref="ToolScopeAttribute"/>), and the operator's controls must allow it (a
/// read-only server or tenant refuses write tools; a tenant's allowlist names the tools it may use).
/// <c>tools/list</c> shows exactly the tools this allows; a call to any other known tool is refused as a missing
/// scope (HTTP 403 <c>insufficient_scope</c>) or <c>forbidden</c>, never as an unknown tool.
/// </summary>
internal sealed class AuthorizeStage(ToolScopes scopes, IOptions<ToolAccessOptions> options)
{
    private readonly bool _serverReadOnly = options.Value.ReadOnly;

    /// <summary>The scope <paramref name="tool"/> needs, or <c>null</c> when no such tool is registered.</summary>
    public string? ScopeOf(string tool) => scopes.For(tool);

    /// <summary>The scope <paramref name="principal"/> lacks for <paramref name="tool"/>, or <c>null</c> when it has it (or the tool is unknown).</summary>
    public string? MissingScope(TenantPrincipal principal, string tool) =>
        scopes.For(tool) is { } scope && !principal.HasScope(scope) ? scope : null;

    /// <summary>Throws the <c>forbidden</c> error unless the caller holds <paramref name="scope"/>.</summary>
    public void DemandScope(TenantPrincipal principal, string scope)
    {
        if (!principal.HasScope(scope))
        {
            throw new RetrievalException(RetrievalErrorCode.Forbidden, $"this tool needs the '{scope}' scope");
        }
    }

    /// <summary>Throws the <c>forbidden</c> error for a tool the operator's controls refuse on <paramref name="route"/>.</summary>
    public void DemandAllowed(string tool, TenantRoute route)
    {
        if (RefusalFor(tool, route) is { } reason)
        {
            throw new RetrievalException(RetrievalErrorCode.Forbidden, reason);
        }
    }

    /// <summary>Whether <paramref name="principal"/> (or, without a valid token, a read-only caller) may see and use <paramref name="tool"/>.</summary>
    public bool Allows(TenantPrincipal? principal, TenantRoute? route, string tool) =>
        scopes.For(tool) is { } scope
        && (principal?.HasScope(scope) ?? scope == TenantPrincipal.ReadScope)
        && RefusalFor(tool, route) is null;

    /// <summary>Why the operator's controls refuse <paramref name="tool"/> on <paramref name="route"/>, or <c>null</c> when they allow it.</summary>
    private string? RefusalFor(string tool, TenantRoute? route)
    {
        var isWrite = scopes.For(tool) == TenantPrincipal.WriteScope;
        return isWrite && _serverReadOnly ? "this server is read-only"
            : isWrite && route?.ReadOnly == true ? "this tenant is read-only"
            : route?.Tools is { } allowed && !allowed.Contains(tool) ? "this tool is not enabled for this tenant"
            : null;
    }
}

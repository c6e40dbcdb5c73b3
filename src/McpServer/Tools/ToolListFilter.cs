using McpRag.McpServer.Auth;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// <c>tools/list</c> follows the caller: a tool is listed only when the caller's token carries the scope the tool
/// declares, so a read-only agent is never offered write tools. Calling a tool that is not listed is answered as a
/// missing scope (HTTP 403 <c>insufficient_scope</c>, so OAuth clients can step up; <c>forbidden</c> on stdio), never
/// as an unknown tool. The list is marked private to the caller for caches.
/// </summary>
public sealed class ToolListFilter(CallerAuthenticator callers, ToolScopes scopes)
{
    /// <summary>How long a client may reuse the list; it changes only with the caller's token or a new server version.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    public async ValueTask<ListToolsResult> InvokeAsync(
        RequestContext<ListToolsRequestParams> context,
        McpRequestHandler<ListToolsRequestParams, ListToolsResult> next,
        CancellationToken cancellationToken)
    {
        var result = await next(context, cancellationToken);
        TenantPrincipal? principal = null;
        try
        {
            principal = await callers.AuthenticateAsync(context.User);
        }
        catch (RetrievalException)
        {
            // No valid token (stdio): list the read tools, whose calls then explain what is missing.
        }

        result.Tools = result.Tools.Where(tool => IsVisible(principal, tool.Name)).ToList();
        result.CacheScope = CacheScope.Private;
        result.TimeToLive = TimeToLive;
        return result;
    }

    private bool IsVisible(TenantPrincipal? principal, string tool) =>
        scopes.For(tool) is { } scope && (principal?.HasScope(scope) ?? scope == TenantPrincipal.ReadScope);
}

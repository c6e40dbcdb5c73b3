using System.Runtime.CompilerServices;
using System.Text.Json;
using McpRag.McpServer.Pipeline;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// <c>tools/list</c> follows the caller: a tool is listed only when <see cref="AuthorizeStage"/> allows it (the token
/// carries the scope the tool declares, and the operator's read-only switches and allowlist permit it), so a
/// read-only agent is never offered write tools. Calling a tool that is not listed is answered as a
/// missing scope (HTTP 403 <c>insufficient_scope</c>, so OAuth clients can step up; <c>forbidden</c> on stdio), never
/// as an unknown tool. The list is marked private to the caller for caches.
/// </summary>
internal sealed class ToolListFilter(CallPipeline pipeline, AuthenticateStage authenticate, AuthorizeStage authorize, RouteStage routes)
{
    /// <summary>How long a client may reuse the list; it changes only with the caller's token or a new server version.</summary>
    public static readonly TimeSpan TimeToLive = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The search tool as each attribute schema shows it, made once per schema: a route's schema is bound when the
    /// routing table loads, so a reload brings a new key and the old entry goes with the old route.
    /// </summary>
    private readonly ConditionalWeakTable<IReadOnlyDictionary<string, AttributeSchema>, Tool> _searchTools = new();

    public async ValueTask<ListToolsResult> InvokeAsync(
        RequestContext<ListToolsRequestParams> context,
        McpRequestHandler<ListToolsRequestParams, ListToolsResult> next,
        CancellationToken cancellationToken)
    {
        var result = await next(context, cancellationToken);
        TenantPrincipal? principal = null;
        TenantRoute? route = null;
        try
        {
            var call = pipeline.ContextOf(context);
            principal = await authenticate.RunAsync(call, context.User);
            route = await routes.FindAsync(call, principal, cancellationToken);
        }
        catch (RetrievalException)
        {
            // No valid token (stdio): list the read tools, whose calls then explain what is missing.
        }

        var attributes = route?.Attributes ?? AttributeSchema.None;
        result.Tools = result.Tools
            .Where(tool => authorize.Allows(principal, route, tool.Name))
            .Select(tool => tool.Name == "search" ? _searchTools.GetValue(attributes, a => WithFilterSchema(tool, a)) : tool)
            .ToList();
        result.CacheScope = CacheScope.Private;
        result.TimeToLive = TimeToLive;
        return result;
    }

    /// <summary>A copy of the search tool whose <c>filters</c> schema names the tenant's declared attributes.</summary>
    private static Tool WithFilterSchema(Tool tool, IReadOnlyDictionary<string, AttributeSchema> attributes)
    {
        var copy = JsonSerializer.Deserialize<Tool>(JsonSerializer.Serialize(tool, McpJsonUtilities.DefaultOptions), McpJsonUtilities.DefaultOptions)!;
        copy.InputSchema = SearchFilterSchema.Apply(tool.InputSchema, attributes);
        return copy;
    }
}

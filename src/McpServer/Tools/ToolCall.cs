using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// The authenticated caller and their route, resolved once by <see cref="TenantCallFilter"/> before any tool runs
/// and handed to the tool through the request's items. A tool never sees a tenant it did not get from here.
/// </summary>
public sealed record ToolCall(TenantPrincipal Principal, TenantRoute Route, IRetrievalBackend Backend)
{
    private const string ItemKey = "mcprag.call";
    private const string StartedKey = "mcprag.call.started";

    internal void Attach(RequestContext<CallToolRequestParams> context) => context.Items[ItemKey] = this;

    /// <summary>The call's context, and the mark that the tool's own code has started; a tool invoked without the filter fails closed.</summary>
    public static ToolCall From(RequestContext<CallToolRequestParams> context)
    {
        context.Items[StartedKey] = true;
        return context.Items.TryGetValue(ItemKey, out var value) && value is ToolCall call
            ? call
            : throw new RetrievalException(RetrievalErrorCode.Unauthenticated, "no authenticated caller");
    }

    /// <summary>Whether the tool's code ran, i.e. its arguments were bound (an exception before that is the caller's input).</summary>
    internal static bool HasStarted(RequestContext<CallToolRequestParams> context) => context.Items.ContainsKey(StartedKey);
}

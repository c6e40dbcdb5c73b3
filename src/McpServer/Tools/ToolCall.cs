using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// The authenticated caller and their route, resolved once by <see cref="TenantCallFilter"/> before any tool or
/// resource handler runs and handed to it through the request's items. A handler never sees a tenant it did not get
/// from here.
/// </summary>
public sealed record ToolCall(TenantPrincipal Principal, TenantRoute Route, IRetrievalBackend Backend)
{
    private const string ItemKey = "mcprag.call";
    private const string StartedKey = "mcprag.call.started";

    internal void Attach(MessageContext context) => context.Items[ItemKey] = this;

    /// <summary>The call's context, and the mark that the handler's own code has started; a handler invoked without the filter fails closed.</summary>
    public static ToolCall From(MessageContext context)
    {
        context.Items[StartedKey] = true;
        return context.Items.TryGetValue(ItemKey, out var value) && value is ToolCall call
            ? call
            : throw new RetrievalException(RetrievalErrorCode.Unauthenticated, "no authenticated caller");
    }

    /// <summary>Whether the handler's code ran, i.e. its arguments were bound (an exception before that is the caller's input).</summary>
    internal static bool HasStarted(MessageContext context) => context.Items.ContainsKey(StartedKey);
}

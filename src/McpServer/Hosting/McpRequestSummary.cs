using System.Text.Json;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// What later HTTP stages need to know about a posted JSON-RPC message (its method, the tool of a
/// <c>tools/call</c>, whether it has an id), read once by <see cref="RequestLimitsMiddleware"/> while it checks the body, so no later
/// stage parses the body again.
/// </summary>
public sealed record McpRequestSummary(string? Method, string? Tool, bool HasId)
{
    private const string ItemKey = "mcprag.request";

    public static McpRequestSummary From(JsonElement root)
    {
        var method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var tool = method == "tools/call" && root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return new McpRequestSummary(method, tool, root.TryGetProperty("id", out _));
    }

    public void Attach(HttpContext context) => context.Items[ItemKey] = this;

    public static McpRequestSummary? Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) ? value as McpRequestSummary : null;
}

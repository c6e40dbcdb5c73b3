using System.Text.Json;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The shape a JSON-RPC message posted to the MCP endpoint must have before the transport sees it: one object (MCP
/// has no batches), <c>"jsonrpc": "2.0"</c>, a string or integer id, object params, and for the two methods whose
/// params the transport reads itself (<c>initialize</c>, <c>tools/call</c>) the members they need. Checking here
/// turns input the transport would trip over into a JSON-RPC error the caller can act on.
/// </summary>
public static class JsonRpcRequestRules
{
    /// <summary>JSON-RPC 2.0: invalid method parameters.</summary>
    public const int InvalidParams = -32602;

    /// <summary>JSON-RPC 2.0: the method does not exist (answered with HTTP 404 on streamable HTTP from 2026-07-28).</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Longest method or tool name accepted; longer names are refused before anything could echo or log them.</summary>
    public const int MaxNameLength = 128;

    /// <summary>The per-request <c>_meta</c> key that marks a request of protocol revision 2026-07-28 or later.</summary>
    private const string ProtocolVersionMetaKey = "io.modelcontextprotocol/protocolVersion";

    /// <summary>The problem with <paramref name="root"/> (code, one-line message, the id to answer with), or <c>null</c> when it is acceptable.</summary>
    public static (int Code, string Message, JsonElement? Id)? Check(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (RequestLimitsMiddleware.InvalidRequest, "request must be one JSON-RPC object", null);
        }

        JsonElement? id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (idElement.ValueKind != JsonValueKind.String && !(idElement.ValueKind == JsonValueKind.Number && idElement.TryGetInt64(out _)))
            {
                return (RequestLimitsMiddleware.InvalidRequest, "id must be a string or an integer", null);
            }

            id = idElement;
        }

        if (!root.TryGetProperty("jsonrpc", out var version) || !version.ValueEquals("2.0"))
        {
            return (RequestLimitsMiddleware.InvalidRequest, "jsonrpc must be \"2.0\"", id);
        }

        if (!root.TryGetProperty("method", out var method))
        {
            var isResponse = id is not null && (root.TryGetProperty("result", out _) ^ root.TryGetProperty("error", out _));
            return isResponse ? null : (RequestLimitsMiddleware.InvalidRequest, "request has no method", id);
        }

        if (method.ValueKind != JsonValueKind.String || method.GetString() is not { Length: > 0 } name)
        {
            return (RequestLimitsMiddleware.InvalidRequest, "method must be a non-empty string", id);
        }

        if (name.Length > MaxNameLength)
        {
            return (RequestLimitsMiddleware.InvalidRequest, $"method is longer than {MaxNameLength} characters", id);
        }

        var hasParams = root.TryGetProperty("params", out var parameters);
        if (hasParams && parameters.ValueKind != JsonValueKind.Object)
        {
            return (InvalidParams, "params must be an object", id);
        }

        return name switch
        {
            // A request in the per-request envelope of 2026-07-28 or later speaks a revision without initialize (SEP-2575):
            // for that revision the method does not exist. Clients of the earlier revisions still initialize as before.
            "initialize" when hasParams && parameters.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                && meta.TryGetProperty(ProtocolVersionMetaKey, out _) =>
                (MethodNotFound, "initialize is not a method of this protocol revision; use server/discover", id),
            "initialize" when !hasParams
                || !parameters.TryGetProperty("protocolVersion", out var protocol) || protocol.ValueKind != JsonValueKind.String
                || !parameters.TryGetProperty("capabilities", out var capabilities) || capabilities.ValueKind != JsonValueKind.Object
                || !parameters.TryGetProperty("clientInfo", out var client) || client.ValueKind != JsonValueKind.Object
                || !client.TryGetProperty("name", out var clientName) || clientName.ValueKind != JsonValueKind.String
                || !client.TryGetProperty("version", out var clientVersion) || clientVersion.ValueKind != JsonValueKind.String =>
                (InvalidParams, "initialize needs protocolVersion, capabilities and clientInfo {name, version}", id),
            "tools/call" when !hasParams
                || !parameters.TryGetProperty("name", out var tool) || tool.ValueKind != JsonValueKind.String
                || (parameters.TryGetProperty("arguments", out var arguments) && arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)) =>
                (InvalidParams, "tools/call needs a tool name and an arguments object", id),
            "tools/call" when parameters.GetProperty("name").GetString()!.Length > MaxNameLength =>
                (InvalidParams, $"tool name is longer than {MaxNameLength} characters", id),
            _ => null,
        };
    }
}

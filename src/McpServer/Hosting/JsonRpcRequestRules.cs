using System.Text.Json;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The shape a JSON-RPC message posted to the MCP endpoint must have before the transport sees it: one object (MCP
/// has no batches), <c>"jsonrpc": "2.0"</c>, a string or integer id, object params, and for the two methods whose
/// params the transport reads itself (<c>initialize</c>, <c>tools/call</c>) the members they need. Checking here
/// turns input the transport would trip over into a JSON-RPC error the caller can act on.
/// </summary>
internal static class JsonRpcRequestRules
{
    /// <summary>JSON-RPC 2.0: invalid method parameters.</summary>
    public const int InvalidParams = -32602;

    /// <summary>JSON-RPC 2.0: the method does not exist (answered with HTTP 404 on streamable HTTP from 2026-07-28).</summary>
    public const int MethodNotFound = -32601;

    /// <summary>Longest method or tool name accepted; longer names are refused before anything could echo or log them.</summary>
    public const int MaxNameLength = 128;

    /// <summary>The per-request <c>_meta</c> key that marks a request of protocol revision 2026-07-28 or later.</summary>
    public const string ProtocolVersionMetaKey = "io.modelcontextprotocol/protocolVersion";

    /// <summary>The problem with the scanned message (code, one-line message, the id to answer with), or <c>null</c> when it is acceptable.</summary>
    public static (int Code, string Message, JsonElement? Id)? Check(JsonRpcMessageFacts message)
    {
        if (message.RootKind != JsonTokenType.StartObject)
        {
            return (RequestLimitsMiddleware.InvalidRequest, "request must be one JSON-RPC object", null);
        }

        var id = message.Id;
        if (message.HasId && id is null)
        {
            return (RequestLimitsMiddleware.InvalidRequest, "id must be a string or an integer", null);
        }

        if (!message.IsJsonRpc2)
        {
            return (RequestLimitsMiddleware.InvalidRequest, "jsonrpc must be \"2.0\"", id);
        }

        if (!message.HasMethod)
        {
            var isResponse = id is not null && (message.HasResult ^ message.HasError);
            return isResponse ? null : (RequestLimitsMiddleware.InvalidRequest, "request has no method", id);
        }

        if (message.Method is not { Length: > 0 } name)
        {
            return (RequestLimitsMiddleware.InvalidRequest, "method must be a non-empty string", id);
        }

        if (name.Length > MaxNameLength)
        {
            return (RequestLimitsMiddleware.InvalidRequest, $"method is longer than {MaxNameLength} characters", id);
        }

        var hasParams = message.Params is not null;
        if (hasParams && message.Params != JsonTokenType.StartObject)
        {
            return (InvalidParams, "params must be an object", id);
        }

        return name switch
        {
            // A request in the per-request envelope of 2026-07-28 or later speaks a revision without initialize (SEP-2575):
            // for that revision the method does not exist. Clients of the earlier revisions still initialize as before.
            "initialize" when message.Meta == JsonTokenType.StartObject && message.MetaHasProtocolVersion =>
                (MethodNotFound, "initialize is not a method of this protocol revision; use server/discover", id),
            "initialize" when !hasParams
                || message.ProtocolVersion != JsonTokenType.String
                || message.Capabilities != JsonTokenType.StartObject
                || message.ClientInfo != JsonTokenType.StartObject
                || message.ClientName != JsonTokenType.String
                || message.ClientVersion != JsonTokenType.String =>
                (InvalidParams, "initialize needs protocolVersion, capabilities and clientInfo {name, version}", id),
            "tools/call" when !hasParams || message.Name is null
                || message.Arguments is not (null or JsonTokenType.StartObject or JsonTokenType.Null) =>
                (InvalidParams, "tools/call needs a tool name and an arguments object", id),
            "tools/call" when message.Name!.Length > MaxNameLength =>
                (InvalidParams, $"tool name is longer than {MaxNameLength} characters", id),
            _ => null,
        };
    }
}

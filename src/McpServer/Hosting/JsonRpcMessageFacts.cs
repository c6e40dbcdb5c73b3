using System.Text.Json;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// What <see cref="JsonRpcBodyScan"/> learned about a posted JSON-RPC message in its one pass: the members
/// <see cref="JsonRpcRequestRules"/> judge and the later stages need. Kinds are the token types of the values
/// (<c>null</c> when the member is absent); of a member that appears twice, the last one counts, as in
/// <see cref="JsonDocument"/>.
/// </summary>
internal sealed class JsonRpcMessageFacts
{
    public JsonTokenType RootKind { get; set; }

    public bool HasId { get; set; }

    /// <summary>The id to answer with: a string or an integer; <c>null</c> when absent or of another kind.</summary>
    public JsonElement? Id { get; set; }

    public bool IsJsonRpc2 { get; set; }

    public bool HasMethod { get; set; }

    /// <summary>The method, when it is a string.</summary>
    public string? Method { get; set; }

    public bool HasResult { get; set; }

    public bool HasError { get; set; }

    public JsonTokenType? Params { get; set; }

    /// <summary>The tool name of <c>tools/call</c> (<c>params.name</c>), when it is a string.</summary>
    public string? Name { get; set; }

    public JsonTokenType? Arguments { get; set; }

    public JsonTokenType? ProtocolVersion { get; set; }

    public JsonTokenType? Capabilities { get; set; }

    public JsonTokenType? ClientInfo { get; set; }

    public JsonTokenType? ClientName { get; set; }

    public JsonTokenType? ClientVersion { get; set; }

    public JsonTokenType? Meta { get; set; }

    /// <summary>Whether <c>params._meta</c> names the per-request protocol version.</summary>
    public bool MetaHasProtocolVersion { get; set; }

    /// <summary>What the later HTTP stages need: method, tool of a <c>tools/call</c>, whether there is an id.</summary>
    public McpRequestSummary Summary() =>
        new(Method, Method == "tools/call" && Params == JsonTokenType.StartObject ? Name : null, HasId);

    /// <summary>Forgets what an earlier <c>params</c> member said: the last one counts.</summary>
    public void ResetParams(JsonTokenType kind)
    {
        Params = kind;
        Name = null;
        Arguments = ProtocolVersion = Capabilities = Meta = null;
        ResetClientInfo(null);
        MetaHasProtocolVersion = false;
    }

    public void ResetClientInfo(JsonTokenType? kind)
    {
        ClientInfo = kind;
        ClientName = ClientVersion = null;
    }
}

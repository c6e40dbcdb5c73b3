using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// Generates hostile JSON-RPC input from one seed: malformed JSON, invalid UTF-8, wrong framing, unknown methods,
/// and tool calls whose arguments have wrong types, nulls, huge strings, deep objects and odd unicode.
/// </summary>
internal sealed class FuzzInput(int seed)
{
    private static readonly string[] Methods = ["tools/call", "tools/call", "tools/call", "tools/list", "ping", "initialize", "resources/list", "prompts/get", "logging/setLevel", "completion/complete", "unknown/method", "", "notifications/initialized"];
    private static readonly string[] Tools = ["search", "search", "fetch", "upsert_document", "delete_document", "no_such_tool", "", "SEARCH"];
    private static readonly string[] Keys = ["query", "top_k", "mode", "filters", "cursor", "id", "title", "text", "url", "attributes", "tenant_id", "__proto__", ""];
    private static readonly string[] Oddities = ["\u0000", "\u202e", "\ud83d\ude00", "tenаnt-a", "../../etc/passwd", "' OR 1=1 --", "*:*", "tenant_id:tenant-a", "\\", "\"", "%00", "\u200b", "NaN", "-1"];

    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>One request body; <paramref name="id"/> is the JSON-RPC id it carries when it is a well-framed request.</summary>
    public byte[] Next(int id, out bool wellFramed)
    {
        wellFramed = false;
        switch (_random.Next(10))
        {
            case 0:
                return Garbage();
            case 1:
                var valid = Encoding.UTF8.GetBytes(Request(id).ToJsonString());
                return valid[..Math.Max(1, _random.Next(valid.Length))];
            case 2:
                var bytes = Encoding.UTF8.GetBytes(Request(id).ToJsonString());
                bytes[_random.Next(bytes.Length)] = (byte)(0x80 + _random.Next(0x7F));
                return bytes;
            case 3:
                return Encoding.UTF8.GetBytes(OddFraming(id));
            default:
                wellFramed = true;
                return Encoding.UTF8.GetBytes(Request(id).ToJsonString());
        }
    }

    public JsonObject Request(int id)
    {
        var method = Methods[_random.Next(Methods.Length)];
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        request["params"] = method == "tools/call"
            ? new JsonObject { ["name"] = Tools[_random.Next(Tools.Length)], ["arguments"] = _random.Next(8) == 0 ? Value(2) : Arguments() }
            : _random.Next(3) == 0 ? Value(2) : new JsonObject();
        return request;
    }

    private JsonObject Arguments()
    {
        var arguments = new JsonObject();
        for (var i = _random.Next(0, 6); i > 0; i--)
        {
            arguments[Keys[_random.Next(Keys.Length)]] = Value(3);
        }

        return arguments;
    }

    private JsonNode? Value(int depth) => _random.Next(depth > 0 ? 12 : 9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(-5, 60)),
        2 => JsonValue.Create(_random.NextDouble() * 1e12),
        3 => JsonValue.Create(_random.Next(2) == 0),
        4 => JsonValue.Create(Oddities[_random.Next(Oddities.Length)]),
        5 => JsonValue.Create(new string((char)('a' + _random.Next(26)), _random.Next(3) == 0 ? _random.Next(2_000, 70_000) : _random.Next(1, 40))),
        6 => JsonValue.Create(long.MaxValue),
        7 => JsonValue.Create("refund " + _random.Next(100).ToString(CultureInfo.InvariantCulture)),
        8 => JsonValue.Create(string.Empty),
        9 => new JsonArray(Enumerable.Range(0, _random.Next(0, 5)).Select(_ => Value(depth - 1)).ToArray()),
        10 => Nested(_random.Next(1, 20)),
        _ => new JsonObject(Enumerable.Range(0, _random.Next(0, 4)).Select(i => KeyValuePair.Create(Keys[_random.Next(Keys.Length)] + i, Value(depth - 1)))),
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = JsonValue.Create("deep");
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["a"] = node };
        }

        return node;
    }

    private string OddFraming(int id) => _random.Next(8) switch
    {
        0 => "[]",
        1 => $$"""[{"jsonrpc":"2.0","id":{{id}},"method":"ping"}]""",
        2 => $$"""{"jsonrpc":"1.0","id":{{id}},"method":"ping"}""",
        3 => $$"""{"id":{{id}},"method":"ping"}""",
        4 => """{"jsonrpc":"2.0","id":{"nested":true},"method":"ping"}""",
        5 => """{"jsonrpc":"2.0","id":1.5e300,"method":"tools/list"}""",
        6 => """{"jsonrpc":"2.0","method":"tools/call","params":{"name":"search","arguments":{"query":"refund"}}}""",
        _ => "null",
    };

    private byte[] Garbage() => _random.Next(5) switch
    {
        0 => [],
        1 => Enumerable.Range(0, _random.Next(1, 200)).Select(_ => (byte)_random.Next(256)).ToArray(),
        2 => Encoding.UTF8.GetBytes(new string('{', _random.Next(1, 5_000))),
        3 => [0xEF, 0xBB, 0xBF, .. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"u8],
        _ => Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"\\ud800\"}}"),
    };
}

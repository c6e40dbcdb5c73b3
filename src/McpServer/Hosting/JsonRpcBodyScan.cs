using System.Text.Json;
using System.Text.Unicode;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The one pass our code makes over a posted body: a <see cref="Utf8JsonReader"/> that checks the body is one
/// well-formed UTF-8 JSON value no deeper than the limit and, on the way, collects the JSON-RPC members the request
/// rules and later stages need (<see cref="JsonRpcMessageFacts"/>). Nothing else of ours parses the body; the MCP
/// transport then reads it once more for itself.
/// </summary>
internal static class JsonRpcBodyScan
{
    /// <summary>The facts of <paramref name="json"/>, or why it is refused (a JSON-RPC error code and a one-line message).</summary>
    public static (JsonRpcMessageFacts? Facts, (int Code, string Message)? Problem) Read(ReadOnlySpan<byte> json, int maxDepth)
    {
        var facts = new JsonRpcMessageFacts();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            var member = Member.None;
            var section = Section.Root;
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                if (depth >= maxDepth)
                {
                    return (null, Refused(json, (RequestLimitsMiddleware.InvalidRequest, $"request nests deeper than {maxDepth} levels")));
                }

                var type = reader.TokenType;
                if (type is JsonTokenType.String or JsonTokenType.PropertyName && !Utf8.IsValid(reader.ValueSpan))
                {
                    return (null, InvalidUtf8);
                }

                switch (type)
                {
                    case JsonTokenType.PropertyName:
                        member = MemberOf(ref reader, depth, section, facts);
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        section = depth == 1 ? Section.Root : depth == 2 && section != Section.Root ? Section.Params : section;
                        continue;
                    case var _ when depth == 0:
                        facts.RootKind = type;
                        continue;
                }

                section = Take(ref reader, member, section, facts);
                member = Member.None;
            }

            return reader.BytesConsumed == json.Length && json.Length > 0 ? (facts, null) : (null, NotJson);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string whose escapes do not make valid text.
            return (null, Refused(json, NotJson));
        }
    }

    private static readonly (int, string) NotJson = (RequestLimitsMiddleware.ParseError, "request body is not valid JSON");

    private static readonly (int, string) InvalidUtf8 = (RequestLimitsMiddleware.ParseError, "request body is not valid JSON (invalid UTF-8)");

    /// <summary>Invalid UTF-8 anywhere is reported as such, whatever else is wrong (only refused bodies are looked at again).</summary>
    private static (int, string) Refused(ReadOnlySpan<byte> json, (int, string) problem) => Utf8.IsValid(json) ? problem : InvalidUtf8;

    private static Member MemberOf(ref Utf8JsonReader reader, int depth, Section section, JsonRpcMessageFacts facts)
    {
        switch (depth, section)
        {
            case (1, _):
                return reader.ValueTextEquals("id") ? Member.Id
                    : reader.ValueTextEquals("jsonrpc") ? Member.JsonRpc
                    : reader.ValueTextEquals("method") ? Member.Method
                    : reader.ValueTextEquals("params") ? Member.Params
                    : reader.ValueTextEquals("result") ? Member.Result
                    : reader.ValueTextEquals("error") ? Member.Error
                    : Member.None;
            case (2, Section.Params):
                return reader.ValueTextEquals("name") ? Member.Name
                    : reader.ValueTextEquals("arguments") ? Member.Arguments
                    : reader.ValueTextEquals("protocolVersion") ? Member.ProtocolVersion
                    : reader.ValueTextEquals("capabilities") ? Member.Capabilities
                    : reader.ValueTextEquals("clientInfo") ? Member.ClientInfo
                    : reader.ValueTextEquals("_meta") ? Member.Meta
                    : Member.None;
            case (3, Section.ClientInfo):
                return reader.ValueTextEquals("name") ? Member.ClientName : reader.ValueTextEquals("version") ? Member.ClientVersion : Member.None;
            case (3, Section.Meta):
                facts.MetaHasProtocolVersion |= reader.ValueTextEquals(JsonRpcRequestRules.ProtocolVersionMetaKey);
                return Member.None;
            default:
                return Member.None;
        }
    }

    /// <summary>Records the value of <paramref name="member"/>; the section the reader is in afterwards.</summary>
    private static Section Take(ref Utf8JsonReader reader, Member member, Section section, JsonRpcMessageFacts facts)
    {
        var type = reader.TokenType;
        var opens = type == JsonTokenType.StartObject;
        switch (member)
        {
            case Member.Id:
                facts.HasId = true;
                facts.Id = type == JsonTokenType.String || (type == JsonTokenType.Number && reader.TryGetInt64(out _)) ? JsonElement.ParseValue(ref reader) : null;
                break;
            case Member.JsonRpc:
                facts.IsJsonRpc2 = type == JsonTokenType.String && reader.ValueTextEquals("2.0");
                break;
            case Member.Method:
                facts.HasMethod = true;
                facts.Method = type == JsonTokenType.String ? reader.GetString() : null;
                break;
            case Member.Params:
                facts.ResetParams(type);
                return opens ? Section.Params : section;
            case Member.Result:
                facts.HasResult = true;
                break;
            case Member.Error:
                facts.HasError = true;
                break;
            case Member.Name:
                facts.Name = type == JsonTokenType.String ? reader.GetString() : null;
                break;
            case Member.Arguments:
                facts.Arguments = type;
                break;
            case Member.ProtocolVersion:
                facts.ProtocolVersion = type;
                break;
            case Member.Capabilities:
                facts.Capabilities = type;
                break;
            case Member.ClientInfo:
                facts.ResetClientInfo(type);
                return opens ? Section.ClientInfo : section;
            case Member.Meta:
                facts.Meta = type;
                facts.MetaHasProtocolVersion = false;
                return opens ? Section.Meta : section;
            case Member.ClientName:
                facts.ClientName = type;
                break;
            case Member.ClientVersion:
                facts.ClientVersion = type;
                break;
        }

        return section;
    }

    private enum Section
    {
        Root,
        Params,
        ClientInfo,
        Meta,
    }

    private enum Member
    {
        None,
        Id,
        JsonRpc,
        Method,
        Params,
        Result,
        Error,
        Name,
        Arguments,
        ProtocolVersion,
        Capabilities,
        ClientInfo,
        Meta,
        ClientName,
        ClientVersion,
    }
}

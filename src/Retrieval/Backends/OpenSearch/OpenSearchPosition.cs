using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The backend's paging token: how many results were already returned and, for keyword and semantic pages, the
/// <c>search_after</c> sort values of the last one. The tool layer wraps it in a cursor bound to tenant and query.
/// </summary>
public sealed record OpenSearchPosition(int Seen, JsonArray? After)
{
    public static readonly OpenSearchPosition Start = new(0, null);

    public string Encode()
    {
        var json = new JsonObject { ["s"] = Seen };
        if (After is not null)
        {
            json["a"] = After.DeepClone();
        }

        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    public static OpenSearchPosition Decode(string? position)
    {
        if (position is null)
        {
            return Start;
        }

        try
        {
            var json = JsonNode.Parse(Base64Url.DecodeFromChars(position))!.AsObject();
            var seen = json["s"]!.GetValue<int>();
            var after = json["a"]?.AsArray();
            if (seen is > 0 and <= SearchLimits.MaxResultWindow && after is null or { Count: 2 })
            {
                return new OpenSearchPosition(seen, after);
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
        }

        throw RetrievalException.Invalid("cursor is not valid for this search");
    }
}

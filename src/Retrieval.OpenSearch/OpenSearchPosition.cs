using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The backend's paging token: how many results were already returned, for keyword and semantic pages the
/// <c>search_after</c> sort values of the last one, and the code of the query strategy the search started with, so
/// later pages are asked and ranked the same way. The tool layer encrypts it into a cursor bound to caller and query.
/// </summary>
public sealed record OpenSearchPosition(int Seen, JsonArray? After, string? Strategy = null)
{
    public static readonly OpenSearchPosition Start = new(0, null);

    public string Encode()
    {
        var json = new JsonObject { ["s"] = Seen };
        if (After is not null)
        {
            json["a"] = After.DeepClone();
        }

        if (Strategy is not null)
        {
            json["g"] = Strategy;
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
            var strategy = json["g"]?.GetValue<string>();
            if (seen is > 0 and <= SearchLimits.MaxResultWindow && after is null or { Count: 2 } && (strategy is null || OpenSearchStrategy.FromCode(strategy) is not null))
            {
                return new OpenSearchPosition(seen, after, strategy);
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
        }

        throw RetrievalException.Invalid("cursor is not valid for this search");
    }
}

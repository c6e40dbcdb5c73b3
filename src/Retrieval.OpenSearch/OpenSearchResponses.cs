using System.Text.Json;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>Reads OpenSearch response bodies: search results and error descriptions.</summary>
internal static class OpenSearchResponses
{
    /// <summary>The error type and reason of a failed response, with the first root cause where the reason alone says little.</summary>
    public static (string? Type, string? Reason) ReadError(byte[] content)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind != JsonValueKind.Object)
                {
                    return (null, error.ToString());
                }

                var reason = error.TryGetProperty("reason", out var r) ? r.GetString() : null;
                // "all shards failed" says little: the first root cause says why (e.g. a query refused on every shard).
                if (error.TryGetProperty("root_cause", out var causes) && causes.ValueKind == JsonValueKind.Array && causes.GetArrayLength() > 0
                    && causes[0].TryGetProperty("reason", out var cause) && cause.GetString() is { } causeText && causeText != reason)
                {
                    reason = reason + " (" + (causes[0].TryGetProperty("type", out var ct) ? ct.GetString() + ": " : "") + causeText + ")";
                }

                return (error.TryGetProperty("type", out var t) ? t.GetString() : null, reason);
            }

            return (null, document.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>The hits (source, score, highlight, sort values) and total of a <c>_search</c> response.</summary>
    public static OpenSearchSearchResponse ParseSearch(JsonElement root)
    {
        var hitsObject = root.GetProperty("hits");
        long total = 0;
        if (hitsObject.TryGetProperty("total", out var t))
        {
            total = t.ValueKind == JsonValueKind.Number ? t.GetInt64() : t.GetProperty("value").GetInt64();
        }

        var hits = new List<OpenSearchHit>();
        foreach (var hit in hitsObject.GetProperty("hits").EnumerateArray())
        {
            var highlight = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            if (hit.TryGetProperty("highlight", out var h) && h.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in h.EnumerateObject())
                {
                    highlight[field.Name] = field.Value.EnumerateArray().Select(f => f.GetString() ?? string.Empty).ToArray();
                }
            }

            hits.Add(new OpenSearchHit(
                hit.GetProperty("_id").GetString()!,
                hit.TryGetProperty("_score", out var score) && score.ValueKind == JsonValueKind.Number ? score.GetDouble() : null,
                hit.TryGetProperty("_source", out var source) ? source.Clone() : default,
                highlight,
                hit.TryGetProperty("sort", out var sort) ? sort.Clone() : null));
        }

        return new OpenSearchSearchResponse(hits, total);
    }
}

using System.Text.Json;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Search;

/// <summary>
/// Where paging stands in one source of a several-source route: the source's own position of the page being read
/// (<c>null</c>: its first page), how many hits of that page earlier pages already used, and how many of its hits they
/// used in all (its next hit's rank). All sources' positions travel in one cursor, as
/// <c>{"docs": ["12", 3, 15], "q": null}</c> (<c>null</c>: the source has no more results).
/// </summary>
public sealed record SourcePosition(string? Position, int Skip, int Rank)
{
    /// <summary>A source before its first page.</summary>
    public static readonly SourcePosition Start = new(null, 0, 0);

    /// <summary>The longest position one source may hand on (Q index: an 800-character <c>nextToken</c> and its subject tag).</summary>
    public const int MaxSourcePositionBytes = 1_024;

    /// <summary>The longest combined position: every source at its longest, with the names and numbers around them.</summary>
    public const int MaxBytes = RouteSource.MaxSources * (MaxSourcePositionBytes + 48);

    /// <summary>The positions of <paramref name="positions"/> in one string; <c>null</c> when no source has more results.</summary>
    public static string? Encode(IReadOnlyList<RouteSource> sources, IReadOnlyList<SourcePosition?> positions)
    {
        if (positions.All(p => p is null))
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < sources.Count; i++)
            {
                json.WritePropertyName(sources[i].Name);
                if (positions[i] is not { } position)
                {
                    json.WriteNullValue();
                    continue;
                }

                if (position.Position is { Length: > MaxSourcePositionBytes / 3 } own && System.Text.Encoding.UTF8.GetByteCount(own) > MaxSourcePositionBytes)
                {
                    throw new RetrievalException(RetrievalErrorCode.BackendError, $"source '{sources[i].Name}' gave a paging position too long for a cursor");
                }

                json.WriteStartArray();
                json.WriteStringValue(position.Position);
                json.WriteNumberValue(position.Skip);
                json.WriteNumberValue(position.Rank);
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Each source's position from a cursor's position (<c>null</c>: every source from its start); a position that does
    /// not name exactly the route's sources (the table changed between pages) is refused as <c>invalid_argument</c>.
    /// </summary>
    public static IReadOnlyList<SourcePosition?> Decode(IReadOnlyList<RouteSource> sources, string? encoded)
    {
        if (encoded is null)
        {
            return sources.Select(_ => (SourcePosition?)Start).ToArray();
        }

        var invalid = RetrievalException.Invalid("cursor is not valid for this search");
        try
        {
            using var document = JsonDocument.Parse(encoded);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != sources.Count)
            {
                throw invalid;
            }

            var positions = new SourcePosition?[sources.Count];
            for (var i = 0; i < sources.Count; i++)
            {
                if (!root.TryGetProperty(sources[i].Name, out var entry) || !TryRead(entry, out positions[i]))
                {
                    throw invalid;
                }
            }

            return positions;
        }
        catch (JsonException)
        {
            throw invalid;
        }
    }

    private static bool TryRead(JsonElement entry, out SourcePosition? position)
    {
        position = null;
        if (entry.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 3 || entry[0].ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
            || entry[1].ValueKind != JsonValueKind.Number || entry[2].ValueKind != JsonValueKind.Number
            || !entry[1].TryGetInt32(out var skip) || !entry[2].TryGetInt32(out var rank)
            || skip is < 0 or > SearchLimits.MaxResultWindow || rank is < 0 or > SearchLimits.MaxResultWindow)
        {
            return false;
        }

        position = new SourcePosition(entry[0].GetString(), skip, rank);
        return true;
    }
}

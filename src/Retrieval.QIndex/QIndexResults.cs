using System.Globalization;
using System.Text.Json;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Turns Q index passages into hits. Q index ranks by itself and gives no number, only a confidence bucket, so the
/// score is that bucket on a fixed scale: VERY_HIGH 1.0, HIGH 0.75, MEDIUM 0.5, LOW 0.25, NOT_AVAILABLE (or none) 0.
/// Scores order hits of one search; they are not comparable with other backends' scores.
/// </summary>
public static class QIndexResults
{
    public static double Score(string? confidence) => confidence switch
    {
        "VERY_HIGH" => 1.0,
        "HIGH" => 0.75,
        "MEDIUM" => 0.5,
        "LOW" => 0.25,
        _ => 0.0,
    };

    public static SearchHit ToHit(RelevantContent content) => new(
        content.DocumentId!,
        string.IsNullOrEmpty(content.DocumentTitle) ? content.DocumentId! : content.DocumentTitle,
        content.DocumentUri,
        content.Content ?? string.Empty,
        Score(content.ScoreAttributes?.ScoreConfidence),
        Attributes(content.DocumentAttributes));

    /// <summary>Attribute values as strings: lists stay lists, numbers are invariant, dates ISO 8601 UTC.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes(IReadOnlyList<QDocumentAttribute>? attributes)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var attribute in attributes ?? [])
        {
            if (attribute.Value.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(attribute.Name))
            {
                continue;
            }

            foreach (var member in attribute.Value.EnumerateObject())
            {
                string[]? values = (member.Name, member.Value.ValueKind) switch
                {
                    ("stringValue", JsonValueKind.String) => [member.Value.GetString()!],
                    ("stringListValue", JsonValueKind.Array) => member.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray(),
                    ("longValue", JsonValueKind.Number) => [member.Value.GetRawText()],
                    ("dateValue", JsonValueKind.Number) => [DateTimeOffset.FromUnixTimeMilliseconds((long)(member.Value.GetDouble() * 1000)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)],
                    ("dateValue", JsonValueKind.String) => [member.Value.GetString()!],
                    _ => null,
                };
                if (values is not null)
                {
                    result[attribute.Name] = values;
                }
            }
        }

        return result;
    }
}

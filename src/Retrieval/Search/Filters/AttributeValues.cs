using System.Globalization;

namespace McpRag.Retrieval.Search.Filters;

/// <summary>
/// Reads attribute values as numbers and dates, one way for ingest (typed index fields) and filters (range bounds), so a
/// value indexed as a number or date compares with a bound parsed the same way.
/// </summary>
public static class AttributeValues
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-ddTHH:mmK"];

    public static bool TryNumber(string value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    /// <summary>An ISO-8601 date or date-time (UTC when it has no offset) as Unix seconds.</summary>
    public static bool TryDate(string value, out long unixSeconds)
    {
        var parsed = DateTimeOffset.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date);
        unixSeconds = parsed ? date.ToUnixTimeSeconds() : 0;
        return parsed;
    }
}

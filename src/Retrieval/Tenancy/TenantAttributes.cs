using System.Text.Json;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Reads a route's <c>attributes</c> declaration, the tenant's filter schema:
/// <c>{"department": {"type": "keyword", "values": ["sales", "support"]}, "year": {"type": "number"}, "published": {"type": "date"}}</c>.
/// Checked once when the routing table loads; every problem is a one-line <see cref="FormatException"/>.
/// </summary>
public static class TenantAttributes
{
    public static IReadOnlyDictionary<string, AttributeSchema> Parse(JsonElement settings)
    {
        if (!settings.TryGetProperty("attributes", out var declared) || declared.ValueKind == JsonValueKind.Null)
        {
            return AttributeSchema.None;
        }

        if (declared.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("\"attributes\" must be an object of attribute name to {\"type\": ...}");
        }

        var result = new Dictionary<string, AttributeSchema>(StringComparer.Ordinal);
        foreach (var attribute in declared.EnumerateObject())
        {
            if (!IsName(attribute.Name))
            {
                throw new FormatException($"attribute '{ErrorText.Shorten(attribute.Name)}' is not a filterable name: use 1-64 of letters, digits, '_' and '-', and none of the reserved names");
            }

            result[attribute.Name] = ParseOne(attribute.Name, attribute.Value);
            if (result.Count > AttributeSchema.MaxAttributes)
            {
                throw new FormatException($"at most {AttributeSchema.MaxAttributes} attributes may be declared");
            }
        }

        return result;
    }

    /// <summary>Whether <paramref name="name"/> may name an attribute in a filter or a declaration.</summary>
    public static bool IsName(string name) =>
        name.Length is > 0 and <= 64
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
        && !SearchLimits.ReservedAttributes.Contains(name);

    private static AttributeSchema ParseOne(string name, JsonElement value)
    {
        var typeText = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var type = typeText switch
        {
            "keyword" => AttributeType.Keyword,
            "number" => AttributeType.Number,
            "date" => AttributeType.Date,
            _ => throw new FormatException($"attribute '{name}': \"type\" must be one of keyword, number, date"),
        };
        if (!value.TryGetProperty("values", out var values) || values.ValueKind == JsonValueKind.Null)
        {
            return new AttributeSchema(type);
        }

        if (type != AttributeType.Keyword)
        {
            throw new FormatException($"attribute '{name}': \"values\" lists a keyword enumeration; a {typeText} attribute has none");
        }

        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() is 0 or > AttributeSchema.MaxValues
            || values.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 and <= SearchLimits.MaxFilterValueLength }))
        {
            throw new FormatException($"attribute '{name}': \"values\" must be a list of 1-{AttributeSchema.MaxValues} non-empty strings of at most {SearchLimits.MaxFilterValueLength} characters");
        }

        return new AttributeSchema(type, values.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal).ToArray());
    }
}

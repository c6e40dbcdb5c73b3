using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Builds the Q Business <c>AttributeFilter</c> of a search: the tenant's static filter AND one clause per tool
/// filter. A clause has the value type the route declares for the attribute: a string list uses
/// <c>containsAny</c>; a string, number (<c>longValue</c>) or date (<c>dateValue</c>, epoch seconds) uses
/// <c>equalsTo</c>, with several values joined by <c>orAllFilters</c> ("any value may match").
/// </summary>
public static class QIndexFilters
{
    public static JsonObject? Build(QIndexRoute route, IReadOnlyDictionary<string, IReadOnlyList<string>> filters)
    {
        var clauses = new List<JsonObject>();
        if (route.AttributeFilter is { } tenantFilter)
        {
            clauses.Add(JsonSerializer.SerializeToNode(tenantFilter)!.AsObject());
        }

        foreach (var (name, values) in filters.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!QIndexRoute.AttributeNamePattern().IsMatch(name))
            {
                throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' is not a filterable attribute");
            }

            var type = route.AttributeTypes.GetValueOrDefault(name, QIndexAttributeType.String);
            clauses.Add(type == QIndexAttributeType.StringList
                ? Operator("containsAny", name, new JsonObject { ["stringListValue"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()) })
                : AnyOf(values.Select(v => Operator("equalsTo", name, Value(name, type, v))).ToList()));
        }

        return clauses.Count switch
        {
            0 => null,
            1 => clauses[0],
            _ => new JsonObject { ["andAllFilters"] = new JsonArray(clauses.Cast<JsonNode>().ToArray()) },
        };
    }

    private static JsonObject AnyOf(List<JsonObject> clauses) =>
        clauses.Count == 1 ? clauses[0] : new JsonObject { ["orAllFilters"] = new JsonArray(clauses.Cast<JsonNode>().ToArray()) };

    private static JsonObject Operator(string op, string name, JsonObject value) =>
        new() { [op] = new JsonObject { ["name"] = name, ["value"] = value } };

    private static JsonObject Value(string name, QIndexAttributeType type, string value) => type switch
    {
        QIndexAttributeType.Long => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? new JsonObject { ["longValue"] = number }
            : throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' needs whole numbers"),
        QIndexAttributeType.Date => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? new JsonObject { ["dateValue"] = date.ToUnixTimeSeconds() }
            : throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' needs dates such as 2025-01-31 or 2025-01-31T12:00:00Z"),
        _ => new JsonObject { ["stringValue"] = value },
    };

}

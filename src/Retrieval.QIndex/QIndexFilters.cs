using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Builds the Q Business <c>AttributeFilter</c> of a search: the tenant's static filter AND the caller's filter, each its
/// own member of <c>andAllFilters</c>. Groups map to <c>andAllFilters</c>/<c>orAllFilters</c>, negation to
/// <c>notFilter</c>, ranges to <c>greaterThan</c>, <c>greaterThanOrEquals</c>, <c>lessThan</c> and
/// <c>lessThanOrEquals</c>. Equality carries the value type the index stores: the tenant's declared number/date type,
/// else the route's Q attribute type; a string list uses <c>containsAny</c>; a string, number (<c>longValue</c>) or
/// date (<c>dateValue</c>, epoch seconds) uses <c>equalsTo</c>, several values joined by <c>orAllFilters</c>. Q has no
/// existence operator, so <c>$exists</c> is refused by name.
/// </summary>
public static class QIndexFilters
{
    public static JsonObject? Build(QIndexRoute route, SearchFilter? filter)
    {
        var clauses = new List<JsonObject>();
        if (route.AttributeFilter is { } tenantFilter)
        {
            clauses.Add(JsonSerializer.SerializeToNode(tenantFilter)!.AsObject());
        }

        // A top-level "all of" is spread into the one andAllFilters (the same meaning, one level less).
        IReadOnlyList<SearchFilter> members = filter switch
        {
            null => [],
            FilterGroup { Join: FilterJoin.All } all => all.Members,
            _ => [filter],
        };
        clauses.AddRange(members.Select(m => Map(route, m)));
        return clauses.Count switch
        {
            0 => null,
            1 => clauses[0],
            _ => Join("andAllFilters", clauses),
        };
    }

    private static JsonObject Map(QIndexRoute route, SearchFilter filter) => filter switch
    {
        FilterGroup group => Join(group.Join == FilterJoin.All ? "andAllFilters" : "orAllFilters", group.Members.Select(m => Map(route, m)).ToList()),
        FilterNot not => new JsonObject { ["notFilter"] = Map(route, not.Inner) },
        FilterEquals equals => Equals(route, equals),
        FilterRange range => Range(route, range),
        FilterExists exists => throw RetrievalException.Invalid($"filter '{exists.Attribute}': the Q index backend cannot filter with $exists"),
        _ => throw RetrievalException.Invalid("filter has an operator the Q index backend cannot express"),
    };

    private static JsonObject Equals(QIndexRoute route, FilterEquals equals)
    {
        var name = Name(equals.Attribute);
        var type = TypeOf(route, name, equals.Type);
        if (type == QIndexAttributeType.StringList)
        {
            return Operator("containsAny", name, new JsonObject { ["stringListValue"] = new JsonArray(equals.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()) });
        }

        var anyOf = equals.Values.Select(v => Operator("equalsTo", name, Value(name, type, v))).ToList();
        return anyOf.Count == 1 ? anyOf[0] : Join("orAllFilters", anyOf);
    }

    private static JsonObject Range(QIndexRoute route, FilterRange range)
    {
        var name = Name(range.Attribute);
        var type = TypeOf(route, name, range.Type);
        if (type is not (QIndexAttributeType.Long or QIndexAttributeType.Date))
        {
            throw RetrievalException.Invalid($"filter '{name}': the Q index backend can use {range.Bounds().First().Operator} only on number and date attributes");
        }

        var bounds = range.Bounds().Select(b => Operator(b.Operator switch
        {
            "$gt" => "greaterThan",
            "$gte" => "greaterThanOrEquals",
            "$lt" => "lessThan",
            _ => "lessThanOrEquals",
        }, name, Value(name, type, b.Value))).ToList();
        return bounds.Count == 1 ? bounds[0] : Join("andAllFilters", bounds);
    }

    /// <summary>The tenant's declared type wins; an undeclared (keyword) attribute takes the route's Q attribute type.</summary>
    private static QIndexAttributeType TypeOf(QIndexRoute route, string name, AttributeType declared) => declared switch
    {
        AttributeType.Number => QIndexAttributeType.Long,
        AttributeType.Date => QIndexAttributeType.Date,
        _ => route.AttributeTypes.GetValueOrDefault(name, QIndexAttributeType.String),
    };

    private static string Name(string name) =>
        QIndexRoute.AttributeNamePattern().IsMatch(name) ? name : throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' is not a filterable attribute");

    private static JsonObject Join(string op, List<JsonObject> clauses) =>
        new() { [op] = new JsonArray(clauses.Cast<JsonNode>().ToArray()) };

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

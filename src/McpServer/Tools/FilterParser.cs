using System.Globalization;
using System.Text.Json;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Parses the <c>search</c> tool's <c>filters</c> argument into a typed <see cref="SearchFilter"/>, checked against the
/// tenant's declared attribute schema. The language (docs/configuration.md): an object whose keys are attribute names
/// or <c>$and</c>/<c>$or</c> (arrays of filter objects) and <c>$not</c> (a filter object), all keys joined by AND; an
/// attribute takes a value (equals), an array (any of) or an object of <c>$eq</c>, <c>$in</c>, <c>$exists</c>,
/// <c>$gt</c>, <c>$gte</c>, <c>$lt</c>, <c>$lte</c>. Every failure is a one-line <c>invalid_argument</c>; reserved names
/// are refused wherever they appear, so a filter can only narrow the tenant's own scope.
/// </summary>
internal sealed class FilterParser
{
    private static readonly string[] RangeOperators = ["$gt", "$gte", "$lt", "$lte"];

    private readonly IReadOnlyDictionary<string, AttributeSchema> _schema;
    private int _nodes;

    private FilterParser(IReadOnlyDictionary<string, AttributeSchema> schema) => _schema = schema;

    /// <summary>The filter <paramref name="filters"/> describes, or <c>null</c> when it is absent or empty.</summary>
    public static SearchFilter? Parse(IReadOnlyDictionary<string, JsonElement>? filters, IReadOnlyDictionary<string, AttributeSchema> schema) =>
        filters is null or { Count: 0 } ? null : new FilterParser(schema).Object(filters.Select(f => (f.Key, f.Value)).ToList(), depth: 1);

    private SearchFilter Object(IReadOnlyList<(string Key, JsonElement Value)> members, int depth)
    {
        if (depth > SearchLimits.MaxFilterDepth)
        {
            throw RetrievalException.Invalid($"filters nest deeper than {SearchLimits.MaxFilterDepth} levels");
        }

        if (members.Count is 0 or > SearchLimits.MaxFilters)
        {
            throw RetrievalException.Invalid($"a filter object needs 1-{SearchLimits.MaxFilters} keys");
        }

        var parts = new List<SearchFilter>();
        foreach (var (key, value) in members)
        {
            Count();
            parts.Add(key switch
            {
                "$and" or "$or" => Group(key, value, depth),
                "$not" => new FilterNot(Nested(key, value, depth)),
                _ when key.StartsWith('$') => throw RetrievalException.Invalid($"'{ErrorText.Shorten(key)}' is not a filter operator here: use $and, $or, $not or an attribute name"),
                _ => Attribute(key, value),
            });
        }

        return SearchFilter.All(parts)!;
    }

    private FilterGroup Group(string op, JsonElement value, int depth)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > SearchLimits.MaxFilters)
        {
            throw RetrievalException.Invalid($"{op} needs an array of 1-{SearchLimits.MaxFilters} filter objects");
        }

        return new FilterGroup(op == "$and" ? FilterJoin.All : FilterJoin.Any, value.EnumerateArray().Select(v => Nested(op, v, depth)).ToList());
    }

    private SearchFilter Nested(string op, JsonElement value, int depth) =>
        value.ValueKind == JsonValueKind.Object
            ? Object(value.EnumerateObject().Select(p => (p.Name, p.Value)).ToList(), depth + 1)
            : throw RetrievalException.Invalid($"{op} takes filter objects");

    private SearchFilter Attribute(string name, JsonElement condition)
    {
        if (!TenantAttributes.IsName(name))
        {
            throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' is not a filterable attribute");
        }

        var schema = _schema.GetValueOrDefault(name, AttributeSchema.Undeclared);
        if (condition.ValueKind != JsonValueKind.Object)
        {
            return new FilterEquals(name, schema.Type, Values(name, schema, condition));
        }

        var parts = new List<SearchFilter>();
        var range = new FilterRange(name, schema.Type);
        var ranged = false;
        foreach (var op in condition.EnumerateObject())
        {
            Count();
            switch (op.Name)
            {
                case "$eq":
                    parts.Add(new FilterEquals(name, schema.Type, [Value(name, schema, op.Value)]));
                    break;
                case "$in":
                    parts.Add(new FilterEquals(name, schema.Type, op.Value.ValueKind == JsonValueKind.Array
                        ? Values(name, schema, op.Value)
                        : throw RetrievalException.Invalid($"filter '{name}': $in needs an array of values")));
                    break;
                case "$exists":
                    parts.Add(op.Value.ValueKind switch
                    {
                        JsonValueKind.True => new FilterExists(name),
                        JsonValueKind.False => new FilterNot(new FilterExists(name)),
                        _ => throw RetrievalException.Invalid($"filter '{name}': $exists needs true or false"),
                    });
                    break;
                case "$gt" or "$gte" or "$lt" or "$lte":
                    range = Bound(range, op.Name, name, schema, op.Value);
                    ranged = true;
                    break;
                default:
                    throw RetrievalException.Invalid($"filter '{name}': '{ErrorText.Shorten(op.Name)}' is not an operator: use $eq, $in, $exists, {string.Join(", ", RangeOperators)}");
            }
        }

        if (ranged)
        {
            parts.Add(range);
        }

        return SearchFilter.All(parts) ?? throw RetrievalException.Invalid($"filter '{name}' has an empty condition");
    }

    private static FilterRange Bound(FilterRange range, string op, string name, AttributeSchema schema, JsonElement value)
    {
        if (schema.Type == AttributeType.Keyword)
        {
            throw RetrievalException.Invalid($"filter '{name}': {op} needs a number or date attribute, and '{name}' is {(ReferenceEquals(schema, AttributeSchema.Undeclared) ? "not declared (a keyword)" : "a keyword")}");
        }

        var bound = Value(name, schema, value);
        return op switch
        {
            "$gt" => range with { GreaterThan = bound },
            "$gte" => range with { GreaterThanOrEqual = bound },
            "$lt" => range with { LessThan = bound },
            _ => range with { LessThanOrEqual = bound },
        };
    }

    private static string[] Values(string name, AttributeSchema schema, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            return value.GetArrayLength() is > 0 and <= SearchLimits.MaxFilterValues
                ? value.EnumerateArray().Select(v => Value(name, schema, v)).ToArray()
                : throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' must be a value or an array of 1-{SearchLimits.MaxFilterValues} values");
        }

        return [Value(name, schema, value)];
    }

    /// <summary>One value in its canonical text for the attribute's type.</summary>
    private static string Value(string name, AttributeSchema schema, JsonElement value)
    {
        var shown = ErrorText.Shorten(name);
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when schema.Type == AttributeType.Number => value.GetRawText(),
            _ when schema.Type == AttributeType.Number => throw RetrievalException.Invalid($"filter '{shown}' needs numbers"),
            _ when schema.Type == AttributeType.Date => throw RetrievalException.Invalid($"filter '{shown}' needs dates such as 2025-01-31 or 2025-01-31T12:00:00Z"),
            _ => throw RetrievalException.Invalid($"filter '{shown}' must be a string or an array of 1-{SearchLimits.MaxFilterValues} strings"),
        };
        if (text.Length > SearchLimits.MaxFilterValueLength)
        {
            throw RetrievalException.Invalid($"filter '{shown}' has a value longer than {SearchLimits.MaxFilterValueLength} characters");
        }

        return schema.Type switch
        {
            AttributeType.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                ? Math.Floor(number) == number && Math.Abs(number) < 9e15 ? ((long)number).ToString(CultureInfo.InvariantCulture) : number.ToString("R", CultureInfo.InvariantCulture)
                : throw RetrievalException.Invalid($"filter '{shown}' needs numbers"),
            AttributeType.Date => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                ? text.Length == 10 ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : date.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
                : throw RetrievalException.Invalid($"filter '{shown}' needs dates such as 2025-01-31 or 2025-01-31T12:00:00Z"),
            _ when schema.Values is { } allowed && !allowed.Contains(text, StringComparer.Ordinal) =>
                throw RetrievalException.Invalid($"filter '{shown}': '{ErrorText.Shorten(text)}' is not one of its values ({string.Join(", ", allowed.Take(8))}{(allowed.Count > 8 ? ", …" : "")})"),
            _ => text,
        };
    }

    private void Count()
    {
        if (++_nodes > SearchLimits.MaxFilterNodes)
        {
            throw RetrievalException.Invalid($"filters hold more than {SearchLimits.MaxFilterNodes} conditions and operators");
        }
    }
}

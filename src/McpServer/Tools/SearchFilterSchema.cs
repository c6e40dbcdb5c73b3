using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.McpServer.Tools;

/// <summary>
/// The JSON Schema of the <c>search</c> tool's <c>filters</c> argument as one caller sees it: the generic filter
/// language, plus, for a tenant that declares attributes, each attribute with its type and (for an enumeration) its
/// values, so an agent can filter without guessing. Plain draft-07/2020-12 keywords only (no <c>$ref</c>, no
/// <c>format</c>), which every client's validator accepts.
/// </summary>
internal static class SearchFilterSchema
{
    public const string Description =
        "Attribute filters. Shorthand: {\"category\": \"faq\"} (equals) or {\"product\": [\"esim\", \"roaming\"]} (any of); all keys must match. "
        + "Operators: {\"year\": {\"$gte\": 2020, \"$lt\": 2025}} ($gt, $gte, $lt, $lte on number and date attributes), {\"$eq\": v}, {\"$in\": [..]}, {\"$exists\": true|false}; "
        + "combine with {\"$and\": [..]}, {\"$or\": [..]}, {\"$not\": {..}}. At most 4 levels and 32 conditions.";

    /// <summary>The <c>filters</c> property schema for a tenant with <paramref name="attributes"/> (none: the generic one).</summary>
    public static JsonObject For(IReadOnlyDictionary<string, AttributeSchema> attributes)
    {
        var properties = new JsonObject
        {
            ["$and"] = Group(),
            ["$or"] = Group(),
            ["$not"] = new JsonObject { ["type"] = "object", ["description"] = "A filter the results must not match." },
        };
        foreach (var (name, schema) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            properties[name] = Condition(schema, name);
        }

        var description = attributes.Count == 0
            ? Description
            : Description + " This knowledge base's filterable attributes: "
                + string.Join(", ", attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} ({a.Value.Type.ToString().ToLowerInvariant()})")) + ".";
        return new JsonObject
        {
            ["description"] = description,
            ["type"] = new JsonArray("object", "null"),
            ["properties"] = properties,
            ["additionalProperties"] = Condition(AttributeSchema.Undeclared, null),
            ["default"] = null,
        };
    }

    /// <summary>The input schema with its <c>filters</c> schema replaced by <see cref="For"/> (a copy: listed tools are shared).</summary>
    public static JsonElement Apply(JsonElement inputSchema, IReadOnlyDictionary<string, AttributeSchema> attributes)
    {
        var schema = JsonNode.Parse(inputSchema.GetRawText())!.AsObject();
        if (schema["properties"] is JsonObject properties && properties.ContainsKey("filters"))
        {
            properties["filters"] = For(attributes);
        }

        return JsonSerializer.SerializeToElement(schema);
    }

    private static JsonObject Group() => new()
    {
        ["type"] = "array",
        ["items"] = new JsonObject { ["type"] = "object" },
        ["minItems"] = 1,
        ["maxItems"] = SearchLimits.MaxFilters,
    };

    private static JsonObject Condition(AttributeSchema schema, string? name)
    {
        var value = Value(schema);
        var operators = new JsonObject
        {
            ["$eq"] = value.DeepClone(),
            ["$in"] = Values(value),
            ["$exists"] = new JsonObject { ["type"] = "boolean" },
        };
        if (schema.Type != AttributeType.Keyword)
        {
            foreach (var op in new[] { "$gt", "$gte", "$lt", "$lte" })
            {
                operators[op] = value.DeepClone();
            }
        }

        var condition = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                value,
                Values(value),
                new JsonObject { ["type"] = "object", ["properties"] = operators, ["additionalProperties"] = false }),
        };
        if (name is not null)
        {
            condition["description"] = schema.Type switch
            {
                AttributeType.Number => $"'{name}': a number (equals, any of, ranges).",
                AttributeType.Date => $"'{name}': a date such as 2025-01-31 or 2025-01-31T12:00:00Z (equals, any of, ranges).",
                _ => $"'{name}': a keyword (equals, any of).",
            };
        }

        return condition;
    }

    private static JsonObject Value(AttributeSchema schema) => schema switch
    {
        { Type: AttributeType.Number } => new JsonObject { ["type"] = new JsonArray("number", "string") },
        { Values: { } values } => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()) },
        _ => new JsonObject { ["type"] = "string" },
    };

    private static JsonObject Values(JsonObject value) => new()
    {
        ["type"] = "array",
        ["items"] = value.DeepClone(),
        ["minItems"] = 1,
        ["maxItems"] = SearchLimits.MaxFilterValues,
    };
}

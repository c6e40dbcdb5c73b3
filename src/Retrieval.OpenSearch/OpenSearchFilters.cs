using System.Globalization;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// A typed filter as OpenSearch query DSL on the <c>attributes.*</c> fields: groups as <c>bool</c> (<c>filter</c> for
/// all, <c>should</c> with <c>minimum_should_match: 1</c> for any), negation as <c>bool.must_not</c>, equality as
/// <c>terms</c>, existence as <c>exists</c>, ranges as <c>range</c> (numbers as JSON numbers, dates as ISO-8601 text).
/// The caller puts the result beside the tenant term, never in place of it.
/// </summary>
public static class OpenSearchFilters
{
    public static JsonObject Build(SearchFilter filter) => filter switch
    {
        FilterGroup { Join: FilterJoin.All } group => Bool("filter", group.Members),
        FilterGroup group => new JsonObject
        {
            ["bool"] = new JsonObject { ["should"] = Clauses(group.Members), ["minimum_should_match"] = 1 },
        },
        FilterNot not => Bool("must_not", [not.Inner]),
        FilterEquals equals => new JsonObject
        {
            ["terms"] = new JsonObject { [Field(equals.Attribute)] = new JsonArray(equals.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()) },
        },
        FilterExists exists => new JsonObject { ["exists"] = new JsonObject { ["field"] = Field(exists.Attribute) } },
        FilterRange range => Range(range),
        _ => throw RetrievalException.Invalid("filter has an operator the OpenSearch backend cannot express"),
    };

    private static JsonObject Range(FilterRange range)
    {
        var bounds = new JsonObject();
        foreach (var (op, value) in range.Bounds())
        {
            bounds[op[1..]] = range.Type != AttributeType.Number ? JsonValue.Create(value)
                : long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole) ? JsonValue.Create(whole)
                : JsonValue.Create(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return new JsonObject { ["range"] = new JsonObject { [Field(range.Attribute)] = bounds } };
    }

    private static JsonObject Bool(string occur, IEnumerable<SearchFilter> members) =>
        new() { ["bool"] = new JsonObject { [occur] = Clauses(members) } };

    private static JsonArray Clauses(IEnumerable<SearchFilter> members) => new(members.Select(m => (JsonNode)Build(m)).ToArray());

    private static string Field(string attribute) =>
        attribute.Contains('.') || attribute.Contains('*')
            ? throw RetrievalException.Invalid("filter names must not contain '.' or '*'")
            : OpenSearchFields.Attributes + "." + attribute;
}

using System.Text.Json;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// Checks request bodies against the Q Business model's shapes (SearchRelevantContentRequest, AttributeFilter,
/// DocumentAttribute, DocumentAttributeValue): known members only, required members present, unions with exactly
/// one member, and each member's type and length constraints.
/// </summary>
internal static class QBusinessWire
{
    private static readonly string[] FilterOperators =
        ["andAllFilters", "orAllFilters", "notFilter", "equalsTo", "containsAll", "containsAny", "greaterThan", "greaterThanOrEquals", "lessThan", "lessThanOrEquals"];

    public static void AssertSearchRelevantContentRequest(JsonElement body)
    {
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        AssertMembers(body, ["queryText", "contentSource", "attributeFilter", "maxResults", "nextToken"], ["queryText", "contentSource"]);
        Assert.Equal(JsonValueKind.String, body.GetProperty("queryText").ValueKind);

        var source = body.GetProperty("contentSource");
        AssertMembers(source, ["retriever"], ["retriever"]);
        var retriever = source.GetProperty("retriever");
        AssertMembers(retriever, ["retrieverId"], ["retrieverId"]);
        Assert.Matches("^[a-zA-Z0-9][a-zA-Z0-9-]{35}$", retriever.GetProperty("retrieverId").GetString());

        if (body.TryGetProperty("maxResults", out var maxResults))
        {
            Assert.Equal(JsonValueKind.Number, maxResults.ValueKind);
            Assert.True(maxResults.TryGetInt32(out _));
        }

        if (body.TryGetProperty("nextToken", out var nextToken))
        {
            Assert.InRange(nextToken.GetString()!.Length, 1, 800);
        }

        if (body.TryGetProperty("attributeFilter", out var filter))
        {
            AssertAttributeFilter(filter);
        }
    }

    public static void AssertAttributeFilter(JsonElement filter)
    {
        Assert.Equal(JsonValueKind.Object, filter.ValueKind);
        AssertMembers(filter, FilterOperators, []);
        foreach (var member in filter.EnumerateObject())
        {
            switch (member.Name)
            {
                case "andAllFilters" or "orAllFilters":
                    Assert.Equal(JsonValueKind.Array, member.Value.ValueKind);
                    foreach (var inner in member.Value.EnumerateArray())
                    {
                        AssertAttributeFilter(inner);
                    }

                    break;
                case "notFilter":
                    AssertAttributeFilter(member.Value);
                    break;
                default:
                    AssertDocumentAttribute(member.Value);
                    break;
            }
        }
    }

    private static void AssertDocumentAttribute(JsonElement attribute)
    {
        AssertMembers(attribute, ["name", "value"], ["name", "value"]);
        Assert.Matches("^[a-zA-Z0-9_][a-zA-Z0-9_-]*$", attribute.GetProperty("name").GetString());
        Assert.InRange(attribute.GetProperty("name").GetString()!.Length, 1, 200);
        var value = attribute.GetProperty("value");
        AssertMembers(value, ["stringValue", "stringListValue", "longValue", "dateValue"], []);
        var member = Assert.Single(value.EnumerateObject());
        switch (member.Name)
        {
            case "stringValue":
                Assert.Equal(JsonValueKind.String, member.Value.ValueKind);
                Assert.True(member.Value.GetString()!.Length <= 2048);
                break;
            case "stringListValue":
                Assert.Equal(JsonValueKind.Array, member.Value.ValueKind);
                Assert.All(member.Value.EnumerateArray(), v => Assert.Equal(JsonValueKind.String, v.ValueKind));
                break;
            case "longValue":
                Assert.True(member.Value.TryGetInt64(out _));
                break;
            case "dateValue":
                // restJson1 timestamps in a body default to epoch seconds.
                Assert.Equal(JsonValueKind.Number, member.Value.ValueKind);
                break;
        }
    }

    private static void AssertMembers(JsonElement element, string[] allowed, string[] required)
    {
        Assert.Equal(JsonValueKind.Object, element.ValueKind);
        foreach (var member in element.EnumerateObject())
        {
            Assert.Contains(member.Name, allowed);
        }

        foreach (var name in required)
        {
            Assert.True(element.TryGetProperty(name, out _), $"missing required member '{name}'");
        }
    }
}

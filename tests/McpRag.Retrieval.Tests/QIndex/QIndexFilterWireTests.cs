using System.Text.Json;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// Each typed filter operator as the <c>attributeFilter</c> SearchRelevantContent receives, validated against the
/// model-derived request schema, with the tenant's own filter kept as a separate member of <c>andAllFilters</c>.
/// </summary>
public sealed class QIndexFilterWireTests
{
    private const string TenantFilter = """{"equalsTo": {"name": "_data_source_id", "value": {"stringValue": "wiki"}}}""";

    public static TheoryData<string, string> Operators() => new()
    {
        { "equals", """{"equalsTo": {"name": "_category", "value": {"stringValue": "it"}}}""" },
        { "any-of", """{"orAllFilters": [{"equalsTo": {"name": "_category", "value": {"stringValue": "it"}}}, {"equalsTo": {"name": "_category", "value": {"stringValue": "hr"}}}]}""" },
        { "string list", """{"containsAny": {"name": "tags", "value": {"stringListValue": ["vpn", "remote"]}}}""" },
        { "not", """{"notFilter": {"equalsTo": {"name": "_category", "value": {"stringValue": "it"}}}}""" },
        { "number range", """{"andAllFilters": [{"greaterThan": {"name": "views", "value": {"longValue": 10}}}, {"lessThanOrEquals": {"name": "views", "value": {"longValue": 100}}}]}""" },
        { "date range", """{"andAllFilters": [{"greaterThanOrEquals": {"name": "_last_updated_at", "value": {"dateValue": 1735689600}}}, {"lessThan": {"name": "_last_updated_at", "value": {"dateValue": 1735732800}}}]}""" },
        { "number equals", """{"equalsTo": {"name": "views", "value": {"longValue": 42}}}""" },
        { "or", """{"orAllFilters": [{"equalsTo": {"name": "_category", "value": {"stringValue": "it"}}}, {"notFilter": {"equalsTo": {"name": "_category", "value": {"stringValue": "hr"}}}}]}""" },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public async Task SearchAsync_FilterOperator_SendsItsAttributeFilterBesideTheTenantFilter(string op, string expected)
    {
        await using var host = await QIndexTestHost.StartAsync();
        var route = host.Route(extra: $$""", "attributeTypes": {"tags": "stringList"}, "attributeFilter": {{TenantFilter}} """);

        await host.SearchAsync(QIndexTestHost.Caller("alice"), QIndexTestHost.Query() with { Filter = Filter(op) }, route);

        var body = host.Fakes.Requests.Single(r => r.Service == "qbusiness").Json;
        QBusinessWire.AssertSearchRelevantContentRequest(body);
        var want = JsonDocument.Parse($$"""{"andAllFilters": [{{TenantFilter}}, {{expected}}]}""").RootElement;
        Assert.True(JsonElement.DeepEquals(want, body.GetProperty("attributeFilter")), body.GetProperty("attributeFilter").GetRawText());
    }

    [Fact]
    public async Task SearchAsync_Exists_IsInvalidArgumentNamingTheOperatorBeforeAnyCall()
    {
        await using var host = await QIndexTestHost.StartAsync();

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            host.SearchAsync(QIndexTestHost.Caller("alice"), QIndexTestHost.Query() with { Filter = new FilterNot(new FilterExists("tags")) }));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.Contains("$exists", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Fakes.Requests, r => r.Service == "qbusiness");
    }

    [Fact]
    public async Task SearchAsync_FractionalNumberRange_IsInvalidArgument()
    {
        await using var host = await QIndexTestHost.StartAsync();

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            host.SearchAsync(QIndexTestHost.Caller("alice"), QIndexTestHost.Query() with { Filter = new FilterRange("views", AttributeType.Number) { LessThan = "2.5" } }));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.Contains("whole numbers", error.Message, StringComparison.Ordinal);
    }

    private static SearchFilter Filter(string op)
    {
        var it = new FilterEquals("_category", AttributeType.Keyword, ["it"]);
        return op switch
        {
            "equals" => it,
            "any-of" => new FilterEquals("_category", AttributeType.Keyword, ["it", "hr"]),
            "string list" => new FilterEquals("tags", AttributeType.Keyword, ["vpn", "remote"]),
            "not" => new FilterNot(it),
            "number range" => new FilterRange("views", AttributeType.Number) { GreaterThan = "10", LessThanOrEqual = "100" },
            "date range" => new FilterRange("_last_updated_at", AttributeType.Date) { GreaterThanOrEqual = "2025-01-01", LessThan = "2025-01-01T12:00:00Z" },
            "number equals" => new FilterEquals("views", AttributeType.Number, ["42"]),
            _ => new FilterGroup(FilterJoin.Any, [it, new FilterNot(new FilterEquals("_category", AttributeType.Keyword, ["hr"]))]),
        };
    }
}

using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// Each typed filter operator as the OpenSearch query DSL the cluster receives: checked against the OpenSearch spec and
/// asserted clause by clause, with the tenant term always its own clause beside the filter.
/// </summary>
public sealed class OpenSearchFilterWireTests : IDisposable
{
    private const string SharedIndex = "shared-cd";
    private readonly FakeOpenSearch _fake = new();
    private readonly OpenSearchTestHost _host = new();

    public static TheoryData<string, string> Operators() => new()
    {
        { "equals", """[{"terms": {"attributes.category": ["faq"]}}]""" },
        { "any-of", """[{"terms": {"attributes.category": ["faq", "policy"]}}]""" },
        { "not", """[{"bool": {"must_not": [{"terms": {"attributes.category": ["faq"]}}]}}]""" },
        { "exists", """[{"exists": {"field": "attributes.product"}}]""" },
        { "number range", """[{"range": {"attributes.year": {"gte": 2020, "lt": 2025.5}}}]""" },
        { "date range", """[{"range": {"attributes.published": {"gt": "2025-01-31T12:00:00Z", "lte": "2025-12-31"}}}]""" },
        { "or", """[{"bool": {"should": [{"terms": {"attributes.category": ["faq"]}}, {"exists": {"field": "attributes.product"}}], "minimum_should_match": 1}}]""" },
        // A top-level "and" is spread into the scope's own clauses; a nested one is a bool filter.
        { "and", """[{"terms": {"attributes.category": ["faq"]}}, {"bool": {"must_not": [{"exists": {"field": "attributes.product"}}]}}]""" },
        { "nested and", """[{"bool": {"should": [{"bool": {"filter": [{"terms": {"attributes.category": ["faq"]}}, {"exists": {"field": "attributes.product"}}]}}, {"range": {"attributes.year": {"lte": 1999}}}], "minimum_should_match": 1}}]""" },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public async Task SearchAsync_FilterOperator_SendsItsQueryDslBesideTheTenantTerm(string op, string expected)
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{SharedIndex}}"}""");
        var query = OpenSearchTestHost.Query("refund", SearchMode.Keyword) with { Filter = Filter(op) };

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), query, CancellationToken.None);

        var body = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search")));
        Assert.Empty(OpenSearchSpec.SearchBody(body));
        var scope = body["query"]!["bool"]!["filter"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"term": {"tenant_id": "tenant-c"}}"""), scope[0]), scope.ToJsonString());
        // The tenant term, the filter's clauses, and "not a passage" (keyword search ranks whole documents).
        var clauses = new JsonArray(scope.Skip(1).Take(scope.Count - 2).Select(c => c!.DeepClone()).ToArray());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), clauses), clauses.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"bool": {"must_not": [{"exists": {"field": "passage"}}]}}"""), scope[^1]), scope.ToJsonString());
    }

    private static SearchFilter Filter(string op)
    {
        var faq = new FilterEquals("category", AttributeType.Keyword, ["faq"]);
        var product = new FilterExists("product");
        return op switch
        {
            "equals" => faq,
            "any-of" => new FilterEquals("category", AttributeType.Keyword, ["faq", "policy"]),
            "not" => new FilterNot(faq),
            "exists" => product,
            "number range" => new FilterRange("year", AttributeType.Number) { GreaterThanOrEqual = "2020", LessThan = "2025.5" },
            "date range" => new FilterRange("published", AttributeType.Date) { GreaterThan = "2025-01-31T12:00:00Z", LessThanOrEqual = "2025-12-31" },
            "or" => new FilterGroup(FilterJoin.Any, [faq, product]),
            "and" => new FilterGroup(FilterJoin.All, [faq, new FilterNot(product)]),
            _ => new FilterGroup(FilterJoin.Any, [new FilterGroup(FilterJoin.All, [faq, product]), new FilterRange("year", AttributeType.Number) { LessThanOrEqual = "1999" }]),
        };
    }

    public void Dispose()
    {
        _host.Dispose();
        _fake.Dispose();
    }
}

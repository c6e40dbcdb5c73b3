using System.Text.Json;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The typed filter language through the real MCP client on the local backend: every operator end to end, the caps and
/// type checks refused with a one-line reason, reserved names refused at any depth, and each tenant's declared
/// attributes in its own <c>tools/list</c>. Tenant-c declares a schema (SampleDeployment); tenant-a declares none.
/// </summary>
public sealed class SearchFilterTests(SampleDeployment deployment)
{
    private const string Query = "order refund shipping warranty";

    public static TheoryData<string, string> Operators() => new()
    {
        { """{"category": "faq"}""", "category=faq" },
        { """{"category": {"$eq": "policy"}}""", "category=policy" },
        { """{"category": ["policy", "manual"]}""", "category in policy,manual" },
        { """{"category": {"$in": ["policy", "manual"]}}""", "category in policy,manual" },
        { """{"$not": {"category": "faq"}}""", "category!=faq" },
        { """{"$or": [{"category": "inquiry"}, {"product": "warranty"}]}""", "category=inquiry or product=warranty" },
        { """{"$and": [{"category": "faq"}, {"$not": {"product": "shipping"}}]}""", "category=faq and product!=shipping" },
    };

    [Theory]
    [MemberData(nameof(Operators))]
    public async Task Search_FilterOperator_ReturnsExactlyTheMatchingDocuments(string filtersJson, string expectation)
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));
        var all = await SearchAsync(client, null);

        var hits = await SearchAsync(client, filtersJson);

        var expected = all.Where(h => Matches(expectation, h)).Select(Id).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < all.Count, "the filter should exclude some documents of the tenant");
        Assert.Equal(expected, hits.Select(Id).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Search_Exists_MatchesDocumentsThatHoldTheAttributeAndNoOthers()
    {
        // Every sample document holds 'product' and none holds 'year'.
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));
        var all = (await SearchAsync(client, null)).Select(Id).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(all, (await SearchAsync(client, """{"product": {"$exists": true}}""")).Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal(all, (await SearchAsync(client, """{"year": {"$exists": false}}""")).Select(Id).Order(StringComparer.Ordinal));
        Assert.Empty(await SearchAsync(client, """{"year": {"$exists": true}}"""));
        Assert.Empty(await SearchAsync(client, """{"product": {"$exists": false}}"""));
        Assert.Empty(await SearchAsync(client, """{"$not": {"product": {"$exists": true}}}"""));
    }

    [Fact]
    public async Task Search_NumberAndDateRanges_MatchWrittenDocumentsInsideTheBounds()
    {
        var run = "r" + Guid.NewGuid().ToString("n")[..8];
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(SampleDeployment.WriteTenant, scope: "rag:read rag:write"));
        foreach (var (edition, issued) in new[] { ("1", "2019-06-30"), ("2", "2022-02-01T10:00:00Z"), ("3", "2025-11-20") })
        {
            (await client.CallAsync("upsert_document", new()
            {
                ["id"] = $"{run}-{edition}",
                ["title"] = $"Tide tables edition {edition}",
                ["text"] = $"Tide tables {run} for the harbour, edition {edition}.",
                ["attributes"] = new Dictionary<string, object> { ["run"] = run, ["edition"] = edition, ["issued"] = issued },
            })).Ok();
        }

        async Task<IEnumerable<string>> IdsAsync(string filtersJson) =>
            (await client.CallAsync("search", new() { ["query"] = $"tide tables {run}", ["top_k"] = 10, ["filters"] = JsonSerializer.Deserialize<JsonElement>(filtersJson) }))
                .Hits().Select(Id).Order(StringComparer.Ordinal);

        Assert.Equal([$"{run}-2", $"{run}-3"], await IdsAsync($$$"""{"run": "{{{run}}}", "edition": {"$gte": 2}}"""));
        Assert.Equal([$"{run}-1", $"{run}-2"], await IdsAsync($$$"""{"run": "{{{run}}}", "edition": {"$gt": 0.5, "$lte": 2}}"""));
        Assert.Equal([$"{run}-1"], await IdsAsync($$$"""{"run": "{{{run}}}", "issued": {"$lt": "2022-02-01T10:00:00Z"}}"""));
        Assert.Equal([$"{run}-2", $"{run}-3"], await IdsAsync($$$"""{"$and": [{"run": "{{{run}}}"}, {"$or": [{"issued": {"$gte": "2025-01-01"}}, {"edition": 2}]}]}"""));
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { """{"year": {"$gte": "soon"}}""", "numbers" },
        { """{"published": {"$lt": 5}}""", "dates" },
        { """{"category": {"$gt": "faq"}}""", "keyword" },
        { """{"product": {"$lte": "x"}}""", "keyword" },
        { """{"year": "recent"}""", "numbers" },
        { """{"published": "last tuesday"}""", "dates" },
        { """{"category": "blog"}""", "not one of its values" },
        { """{"category": {"$near": "faq"}}""", "$near" },
        { """{"$nor": [{"category": "faq"}]}""", "$nor" },
        { """{"$or": []}""", "$or" },
        { """{"$not": "faq"}""", "$not" },
        { """{"product": {"$exists": "yes"}}""", "$exists" },
        { """{"$not": {"$not": {"$not": {"$not": {"category": "faq"}}}}}""", "deeper than 4" },
        { "{\"$and\": [" + string.Join(",", Enumerable.Range(0, 12).Select(_ => """{"category": "faq", "product": "x", "year": 1}""")) + "]}", "more than 32" },
        { """{"$or": [{"tenant_id": "tenant-d"}]}""", "'tenant_id' is not a filterable attribute" },
        { """{"$not": {"id": "x"}}""", "'id' is not a filterable attribute" },
        { """{"$and": [{"category": "faq"}, {"$or": [{"$not": {"tenant": "tenant-a"}}]}]}""", "'tenant' is not a filterable attribute" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Search_BadFilter_IsInvalidArgumentWithOneLineReason(string filtersJson, string mentioned)
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));

        var result = await client.CallAsync("search", new() { ["query"] = Query, ["filters"] = JsonSerializer.Deserialize<JsonElement>(filtersJson) });

        Assert.Equal("invalid_argument", result.ErrorCode());
        Assert.Contains(mentioned, result.Text(), StringComparison.Ordinal);
        Assert.Single(result.Text().Split('\n'));
        ErrorHygiene.AssertClean(result.Text(), "tenant-c", deployment.DataDir);
    }

    [Fact]
    public async Task ListTools_TenantWithSchema_ShowsItsAttributesTypesAndValues()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));

        var filters = await FiltersSchemaAsync(client);

        var properties = filters.GetProperty("properties");
        Assert.Equal(["faq", "policy", "inquiry", "manual"], properties.GetProperty("category").GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("number", properties.GetProperty("year").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(properties.GetProperty("year").GetProperty("anyOf")[2].GetProperty("properties").TryGetProperty("$gte", out _));
        Assert.False(properties.GetProperty("category").GetProperty("anyOf")[2].GetProperty("properties").TryGetProperty("$gte", out _));
        Assert.Contains("published (date)", filters.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTools_TenantWithoutSchema_ShowsOnlyTheGenericFilterSchema()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));

        var filters = await FiltersSchemaAsync(client);

        Assert.Equal(["$and", "$not", "$or"], filters.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(filters.TryGetProperty("additionalProperties", out _), "undeclared attributes stay filterable as keywords");
    }

    private static async Task<JsonElement> FiltersSchemaAsync(ModelContextProtocol.Client.McpClient client)
    {
        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        return tools.Single(t => t.Name == "search").JsonSchema.GetProperty("properties").GetProperty("filters");
    }

    private static async Task<IReadOnlyList<JsonElement>> SearchAsync(ModelContextProtocol.Client.McpClient client, string? filtersJson)
    {
        var arguments = new Dictionary<string, object?> { ["query"] = Query, ["top_k"] = 50 };
        if (filtersJson is not null)
        {
            arguments["filters"] = JsonSerializer.Deserialize<JsonElement>(filtersJson);
        }

        var hits = (await client.CallAsync("search", arguments)).Hits();
        Assert.True(hits.Count < 50, "the tenant's whole collection must fit in one page for this test");
        return hits;
    }

    private static string Id(JsonElement hit) => hit.GetProperty("id").GetString()!;

    private static string[] Values(JsonElement hit, string name) =>
        hit.GetProperty("attributes").TryGetProperty(name, out var values) ? values.EnumerateArray().Select(v => v.GetString()!).ToArray() : [];

    private static bool Matches(string expectation, JsonElement hit) => expectation switch
    {
        "category=faq" => Values(hit, "category").Contains("faq"),
        "category=policy" => Values(hit, "category").Contains("policy"),
        "category in policy,manual" => Values(hit, "category").Any(v => v is "policy" or "manual"),
        "category!=faq" => !Values(hit, "category").Contains("faq"),
        "category=inquiry or product=warranty" => Values(hit, "category").Contains("inquiry") || Values(hit, "product").Contains("warranty"),
        "category=faq and product!=shipping" => Values(hit, "category").Contains("faq") && !Values(hit, "product").Contains("shipping"),
        _ => throw new ArgumentException("unknown expectation " + expectation),
    };
}

using McpRag.Retrieval.Search.Filters;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests;

public sealed class TenantTableTests
{
    private static IReadOnlyDictionary<string, TenantRoute> Parse(string json) => TenantTable.Parse(json, r => r);

    [Fact]
    public void Parse_SampleTable_ReadsEveryRouteWithDefaults()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "samples", "tenants.json");

        var routes = Parse(File.ReadAllText(path));

        Assert.Equal(["tenant-a", "tenant-b", "tenant-c", "tenant-d"], routes.Keys.Order());
        Assert.All(routes.Values, r => Assert.Equal("local", r.Backend));
        Assert.Equal(TenantIsolation.Domain, routes["tenant-a"].Isolation);
        Assert.Equal("shared-cd", routes["tenant-d"].Index);
        var quota = new TenantQuota().Overlay(routes["tenant-d"].Quota);
        Assert.Equal((30, 10), (quota.RequestsPerMinute, quota.Burst));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"routes": {}}""", "needs a \"tenants\" object")]
    [InlineData("""{"tenants": {"Tenant A": {}}}""", "tenant id 'Tenant A' is invalid")]
    [InlineData("""{"tenants": {"t": {"isolation": "cluster"}}}""", "isolation 'cluster' is not one of")]
    [InlineData("""{"tenants": {"t": {"isolation": "1"}}}""", "isolation '1' is not one of")]
    [InlineData("""{"tenants": {"t": {"index": 5}}}""", "\"index\" must be a non-empty string")]
    [InlineData("""{"tenants": {"t": {"quota": {"burst": 0}}}}""", "quota.burst must be between 1")]
    [InlineData("""{"tenants": {"t": {"quota": {"bursts": 5}}}}""", "quota.bursts is not a quota field")]
    [InlineData("""{"tenants": {"t": {"quota": {"burst": "ten"}}}}""", "quota.burst must be a whole number")]
    [InlineData("""{"tenants": {"t": {"readOnly": "yes"}}}""", "\"readOnly\" must be true or false")]
    [InlineData("""{"tenants": {"t": {"tools": []}}}""", "\"tools\" must be a list of 1-32 tool names")]
    [InlineData("""{"tenants": {"t": {"tools": ["search", "bad name"]}}}""", "\"tools\" must be a list of 1-32 tool names")]
    [InlineData("""{"tenants": {"t": {"tools": "search"}}}""", "\"tools\" must be a list of 1-32 tool names")]
    [InlineData("""{"tenants": {"t": {"quota": {"embeddedChunksPerMinute": 100, "maxChunksPerWrite": 101}}}}""", "quota.maxChunksPerWrite must not exceed quota.embeddedChunksPerMinute")]
    [InlineData("""{"tenants": {"t": {"quota": {"maxChunksPerWrite": 0}}}}""", "quota.maxChunksPerWrite must be between 1")]
    [InlineData("""{"tenants": {"t": {"attributes": ["year"]}}}""", "\"attributes\" must be an object")]
    [InlineData("""{"tenants": {"t": {"attributes": {"year": {"type": "integer"}}}}}""", "attribute 'year': \"type\" must be one of keyword, number, date")]
    [InlineData("""{"tenants": {"t": {"attributes": {"year": "number"}}}}""", "attribute 'year': \"type\" must be one of")]
    [InlineData("""{"tenants": {"t": {"attributes": {"tenant_id": {"type": "keyword"}}}}}""", "attribute 'tenant_id' is not a filterable name")]
    [InlineData("""{"tenants": {"t": {"attributes": {"$and": {"type": "keyword"}}}}}""", "attribute '$and' is not a filterable name")]
    [InlineData("""{"tenants": {"t": {"attributes": {"year": {"type": "number", "values": ["1"]}}}}}""", "attribute 'year': \"values\" lists a keyword enumeration")]
    [InlineData("""{"tenants": {"t": {"attributes": {"dept": {"type": "keyword", "values": []}}}}}""", "attribute 'dept': \"values\" must be a list of 1-32")]
    [InlineData("""{"tenants": {"t": {"attributes": {"dept": {"type": "keyword", "values": [1]}}}}}""", "attribute 'dept': \"values\" must be a list of 1-32")]
    public void Parse_InvalidTable_ThrowsOneLineReason(string json, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Parse(json));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Parse_OperatorControls_AreTyped()
    {
        var routes = TenantTable.Parse("""{"tenants": {"t": {"readOnly": true, "tools": ["search", "fetch"]}, "u": {}}}""", r => r);

        Assert.True(routes["t"].ReadOnly);
        Assert.Equal(["fetch", "search"], routes["t"].Tools!.Order());
        Assert.False(routes["u"].ReadOnly);
        Assert.Null(routes["u"].Tools);
    }

    [Fact]
    public void Parse_AttributeSchema_IsTypedOnTheBoundRoute()
    {
        var routes = TenantTable.Parse("""
            {"defaults": {"attributes": {"year": {"type": "number"}}},
             "tenants": {"t": {"attributes": {"dept": {"type": "keyword", "values": ["sales", "support"]}, "published": {"type": "date"}}}, "u": {}}}
            """, r => r);

        Assert.Equal(["dept", "published"], routes["t"].Attributes.Keys.Order());
        Assert.Equal(new AttributeSchema(AttributeType.Keyword, null), routes["t"].Attributes["dept"] with { Values = null });
        Assert.Equal(["sales", "support"], routes["t"].Attributes["dept"].Values!);
        Assert.Equal(AttributeType.Date, routes["t"].Attributes["published"].Type);
        Assert.Equal(AttributeType.Number, Assert.Single(routes["u"].Attributes).Value.Type);
    }

    [Fact]
    public void Parse_BackendRejectsRoute_ReportsTenantAndReason()
    {
        var error = Assert.Throws<FormatException>(() => TenantTable.Parse("""{"tenants": {"t": {}}}""", _ => throw new FormatException("endpoint is required")));

        Assert.Equal("tenant 't': endpoint is required", error.Message);
    }
}

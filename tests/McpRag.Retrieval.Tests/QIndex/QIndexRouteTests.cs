using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>Route settings are checked when the routing table loads, each problem a one-line reason.</summary>
public sealed class QIndexRouteTests
{
    private const string Valid = """
        "backend": "qindex", "region": "eu-west-1",
        "applicationId": "a1b2c3d4-0000-4000-8000-00000000a001", "retrieverId": "r1b2c3d4-0000-4000-8000-00000000b002",
        "dataAccessorRoleArn": "arn:aws:iam::111122223333:role/IsvDataAccessor",
        "idcApplicationArn": "arn:aws:sso::444455556666:application/ssoins-1111222233334444/apl-5555666677778888"
        """;

    [Fact]
    public void Parse_MinimalRoute_UsesTenantAsExternalIdAndRegionForIdentityCenter()
    {
        var (route, error) = QIndexRoute.Parse(Route(Valid));

        Assert.Null(error);
        Assert.NotNull(route);
        Assert.Equal("tenant-q", route.ExternalId);
        Assert.Equal("eu-west-1", route.IdcRegion);
        Assert.Null(route.MaxResults);
        Assert.Null(route.AttributeFilter);
        Assert.Empty(route.AttributeTypes);
    }

    [Theory]
    [InlineData("\"applicationId\"", "qindex route needs \"applicationId\"")]
    [InlineData("\"region\"", "qindex route needs \"region\"")]
    [InlineData("\"dataAccessorRoleArn\"", "qindex route needs \"dataAccessorRoleArn\"")]
    public void Parse_RequiredSettingMissing_NamesIt(string setting, string expected)
    {
        var json = string.Join(",", Valid.Split(',').Where(part => !part.Contains(setting, StringComparison.Ordinal)));

        Assert.Equal(expected, QIndexRoute.Parse(Route(json)).Error);
    }

    [Theory]
    [InlineData(", \"applicationId\": \"short\"", "\"applicationId\" is not a valid value")]
    [InlineData(", \"region\": \"Mars-1\"", "\"region\" is not a valid value")]
    [InlineData(", \"dataAccessorRoleArn\": \"arn:aws:iam::1:user/x\"", "\"dataAccessorRoleArn\" is not a valid value")]
    [InlineData(", \"externalId\": \"\"", "\"externalId\" is not a valid value")]
    [InlineData(", \"maxResults\": 0", "\"maxResults\" must be an integer between 1 and 100")]
    [InlineData(", \"attributeFilter\": {\"startsWith\": {}}", "\"attributeFilter\" has an unknown operator 'startsWith'")]
    [InlineData(", \"attributeFilter\": {\"equalsTo\": {\"name\": \"a\", \"value\": {\"stringValue\": \"x\", \"longValue\": 1}}}", "\"attributeFilter\" is not a valid Q Business AttributeFilter")]
    [InlineData(", \"attributeTypes\": {\"views\": \"float\"}", "\"attributeTypes\" must map attribute names to string, stringList, long or date")]
    public void Parse_InvalidSetting_GivesOneLineReason(string extra, string expected)
    {
        Assert.Equal(expected, QIndexRoute.Parse(Route(Valid + extra)).Error);
    }

    [Fact]
    public void Parse_ThroughRoutingTable_RefusesBadRouteWithTenantName()
    {
        var backend = new QIndexBackend(null!, null!, null!, null!);
        var json = """{"tenants": {"tenant-q": {"backend": "qindex", "region": "eu-west-1"}}}""";

        var error = Assert.Throws<FormatException>(() => TenantTable.Parse(json, backend.ValidateRoute));

        Assert.Equal("tenant 'tenant-q': qindex route needs \"applicationId\"", error.Message);
    }

    private static TenantRoute Route(string body) =>
        TenantTable.Parse($$"""{"tenants": {"tenant-q": { {{body}} } } }""", r => r)["tenant-q"];
}

using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>Route settings are validated when the routing table loads, each problem a one-line reason.</summary>
public sealed class OpenSearchRouteTests : IDisposable
{
    private readonly OpenSearchTestHost _host = new();

    [Theory]
    [InlineData("""{"backend": "opensearch"}""", "\"endpoint\" is required")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://user:secret@search.example"}""", "without credentials")]
    [InlineData("""{"backend": "opensearch", "endpoint": "ftp://search.example"}""", "http(s) URL")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://search.example", "index": "Bad*Index"}""", "index 'Bad*Index' is invalid")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://search.example", "index": "_hidden"}""", "is invalid")]
    [InlineData("""{"backend": "opensearch", "endpoint": "http://search.example", "auth": "jwt-passthrough"}""", "needs an https endpoint")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://search.example", "auth": "token"}""", "auth 'token' is not one of")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://search.example", "auth": "sigv4"}""", "\"region\" is required")]
    [InlineData("""{"backend": "opensearch", "endpoint": "http://search.example", "auth": "basic", "usernameVariable": "U", "passwordVariable": "P"}""", "needs an https endpoint")]
    [InlineData("""{"backend": "opensearch", "endpoint": "http://search.example"}""", "auth jwt-exchange sends a credential and needs an https endpoint")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://search.example", "embeddingModel": "amazon.titan-embed-text-v2:0", "dimensions": 384}""", "256, 512 or 1024")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://search.example", "embeddingModel": "text-embedding-3-small"}""", "is not one of")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://search.example", "engine": "nmslib"}""", "lucene or faiss")]
    [InlineData("""{"backend": "opensearch", "endpoint": "https://search.example", "tenantField": "_tenant"}""", "\"tenantField\" must be")]
    public void ValidateRoute_BadSetting_RefusesTheTableWithOneLineReason(string routeJson, string expected)
    {
        var error = Assert.Throws<FormatException>(() => _host.Route("tenant-x", routeJson));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("tenant 'tenant-x': ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecurityConfig_TwoTenantsOnOneRole_IsRefused()
    {
        var a = OpenSearchRoute.Parse(_host.Route("a-b", """{"backend": "opensearch", "isolation": "document", "endpoint": "https://search.example"}""")).Route!;
        var b = OpenSearchRoute.Parse(_host.Route("a_b", """{"backend": "opensearch", "isolation": "document", "endpoint": "https://search.example"}""")).Route!;

        var error = Assert.Throws<FormatException>(() => OpenSearchSecurityConfig.For([a, b], "mcprag", "-----BEGIN PUBLIC KEY-----"));

        Assert.Contains("map to the same OpenSearch role 'mcprag_a_b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MinimalDocumentRoute_AppliesDefaults()
    {
        var route = _host.Route("tenant-c", """{"backend": "opensearch", "isolation": "document", "endpoint": "https://search.example:9200"}""");

        var parsed = OpenSearchRoute.Parse(route).Route!;

        Assert.Equal(OpenSearchIndexNames.DefaultSharedIndex, parsed.Index);
        Assert.Equal(("tenant_id", "embedding", 384, OpenSearchAuthMode.JwtExchange), (parsed.TenantField, parsed.VectorField, parsed.Dimensions, parsed.Auth));
        Assert.Equal("https://search.example:9200", parsed.Audience);
        Assert.Equal("mcprag_tenant_c", parsed.Role);
        Assert.True(parsed.FiltersOnTenant);
    }

    [Fact]
    public void Parse_IndexIsolationWithoutIndex_UsesTheTenantsOwnIndex()
    {
        var route = _host.Route("tenant-b", """{"backend": "opensearch", "isolation": "index", "endpoint": "https://search.example"}""");

        var parsed = OpenSearchRoute.Parse(route).Route!;

        Assert.Equal("mcprag-tenant-b", parsed.Index);
        Assert.False(parsed.FiltersOnTenant);
        Assert.Equal(TenantIsolation.Index, parsed.Isolation);
    }

    public void Dispose() => _host.Dispose();
}

using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using McpRag.Retrieval.Tests.OpenSearch;
using McpRag.Retrieval.Tests.QIndex;

namespace McpRag.Retrieval.Tests;

/// <summary>
/// Routes are bound once, when the routing table loads: calls use the typed settings on the route and never read its
/// JSON again. Each test removes the JSON from a loaded route; a backend that re-parsed it per call would fail.
/// </summary>
public sealed class RouteBindingTests
{
    [Fact]
    public async Task SearchAsync_OpenSearchRouteWithoutJson_UsesTheSettingsBoundAtLoad()
    {
        using var fake = new FakeOpenSearch();
        using var host = new OpenSearchTestHost();
        fake.IndexExists("shared-cd", 384);
        fake.Stub("POST", "/shared-cd/_search", 200, FakeOpenSearch.SearchResult(FakeOpenSearch.Hit("shared-cd", "tenant-c", "refund-policy", 7.5, "Refund policy", "Returns within 30 days.")));
        var loaded = host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{fake.Url}}", "index": "shared-cd"}""");

        var page = await host.Backend.SearchAsync(loaded with { Settings = default }, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("returns", SearchMode.Keyword), CancellationToken.None);

        Assert.Equal("refund-policy", Assert.Single(page.Hits).Id);
        var bound = Assert.IsType<OpenSearchRoute>(loaded.Location);
        Assert.Equal((fake.Url.TrimEnd('/'), "shared-cd"), (bound.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/'), bound.Index));
    }

    [Fact]
    public async Task SearchAsync_QIndexRouteWithoutJson_UsesTheSettingsBoundAtLoad()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.Json(QIndexTestHost.RelevantContent(("doc-vpn", "VPN guide", "Install the VPN client.", "HIGH")));
        var loaded = host.Route(extra: """, "maxResults": 3 """);

        var page = await host.SearchAsync(QIndexTestHost.Caller("alice"), route: loaded with { Settings = default });

        Assert.Equal("doc-vpn", Assert.Single(page.Hits).Id);
        var bound = Assert.IsType<QIndexRoute>(loaded.Location);
        Assert.Equal((QIndexTestHost.ApplicationId, 3), (bound.ApplicationId, bound.MaxResults));
    }

    [Fact]
    public async Task SearchAsync_OpenSearchRouteNotReadThroughTheTable_IsBackendUnavailable()
    {
        using var host = new OpenSearchTestHost();
        var unbound = new TenantRoute("tenant-c", OpenSearchBackend.BackendName, TenantIsolation.Document);

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            host.Backend.SearchAsync(unbound, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("returns", SearchMode.Keyword), CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.BackendUnavailable, error.Code);
    }

    [Fact]
    public void Parse_UnknownBackend_RefusesTheTableNamingTheServedBackends()
    {
        using var host = new OpenSearchTestHost();
        var registry = new BackendRegistry([host.Backend]);

        var error = Assert.Throws<FormatException>(() => TenantTable.Parse("""{"tenants": {"t": {"backend": "elastic"}}}""", registry.ValidateRoute));

        Assert.Equal("tenant 't': backend 'elastic' is not one of: opensearch", error.Message);
    }
}

using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.Sources;

/// <summary>A route's <c>sources</c> list is typed and validated when the routing table loads, each source as a route of its own.</summary>
public sealed class RouteSourcesTests
{
    private readonly BackendRegistry _registry = new([new ListBackend("fake-a"), new ListBackend("fake-b")]);

    private IReadOnlyDictionary<string, TenantRoute> Parse(string sources, string route = "") =>
        TenantTable.Parse("""{"tenants": {"t": {"sources": """ + sources + route + "}}}", _registry.ValidateRoute);

    [Fact]
    public void Parse_TwoSources_AreTypedWithTheirOwnSettingsAndTheRoutesSchema()
    {
        var route = Parse("""
            [{"name": "docs", "backend": "fake-a", "isolation": "document", "index": "shared"}, {"name": "q", "backend": "fake-b", "timeoutMs": 2500}]
            """, """, "attributes": {"year": {"type": "number"}}, "readOnly": true""")["t"];

        Assert.Equal(TenantRoute.SourcesBackendName, route.Backend);
        Assert.True(route.ReadOnly);
        var sources = route.Sources!;
        Assert.Equal([("docs", "fake-a", RouteSource.DefaultTimeout), ("q", "fake-b", TimeSpan.FromMilliseconds(2500))], sources.Select(s => (s.Name, s.Route.Backend, s.Timeout)));
        Assert.Equal((TenantIsolation.Document, "shared", "t"), (sources[0].Route.Isolation, sources[0].Route.Index, sources[0].Route.TenantId));
        Assert.All(sources, s => Assert.True(s.Route.Attributes.ContainsKey("year")));
        Assert.All(sources, s => Assert.Null(s.Route.Sources));
    }

    [Fact]
    public void Parse_SingleBackendRoute_HasNoSources()
    {
        var route = TenantTable.Parse("""{"tenants": {"t": {"backend": "fake-a"}}}""", _registry.ValidateRoute)["t"];

        Assert.Null(route.Sources);
        Assert.Same(_registry.Get(route), _registry.Get(route with { }));
        Assert.Equal("fake-a", _registry.Get(route).Name);
    }

    [Theory]
    [InlineData("""[{"name": "docs", "backend": "fake-a"}]""", "", "\"sources\" must list 2-4 sources")]
    [InlineData("""{"docs": {"backend": "fake-a"}}""", "", "\"sources\" must list 2-4 sources")]
    [InlineData("""[{"name": "a", "backend": "fake-a"}, {"name": "b", "backend": "fake-a"}, {"name": "c", "backend": "fake-a"}, {"name": "d", "backend": "fake-a"}, {"name": "e", "backend": "fake-a"}]""", "", "\"sources\" must list 2-4 sources")]
    [InlineData("""[{"name": "docs", "backend": "fake-a"}, {"name": "docs", "backend": "fake-b"}]""", "", "source name 'docs' is used twice")]
    [InlineData("""[{"name": "Docs", "backend": "fake-a"}, {"name": "q", "backend": "fake-b"}]""", "", "each source needs a \"name\" of 1-16")]
    [InlineData("""[{"name": "a:b", "backend": "fake-a"}, {"name": "q", "backend": "fake-b"}]""", "", "each source needs a \"name\" of 1-16")]
    [InlineData("""[{"backend": "fake-a"}, {"name": "q", "backend": "fake-b"}]""", "", "each source needs a \"name\" of 1-16")]
    [InlineData("""[{"name": "docs", "backend": "fake-a", "quota": {"burst": 1}}, {"name": "q", "backend": "fake-b"}]""", "", "source 'docs': \"quota\" belongs to the route")]
    [InlineData("""[{"name": "docs", "backend": "fake-a", "tools": ["search"]}, {"name": "q", "backend": "fake-b"}]""", "", "source 'docs': \"tools\" belongs to the route")]
    [InlineData("""[{"name": "docs", "backend": "fake-a"}, {"name": "q", "sources": []}]""", "", "source 'q': \"sources\" belongs to the route")]
    [InlineData("""[{"name": "docs", "backend": "fake-a", "timeoutMs": 50}, {"name": "q", "backend": "fake-b"}]""", "", "source 'docs': \"timeoutMs\" must be a whole number of milliseconds between 100 and 60000")]
    [InlineData("""[{"name": "docs", "backend": "fake-a", "timeoutMs": "5s"}, {"name": "q", "backend": "fake-b"}]""", "", "source 'docs': \"timeoutMs\" must be a whole number")]
    [InlineData("""[{"name": "docs", "backend": "fake-a", "isolation": "cluster"}, {"name": "q", "backend": "fake-b"}]""", "", "tenant 't': source 'docs': isolation 'cluster' is not one of")]
    [InlineData("""[{"name": "docs", "backend": "fake-a"}, {"name": "q", "backend": "nosql"}]""", "", "tenant 't': source 'q': backend 'nosql' is not one of")]
    [InlineData("""[{"name": "docs", "backend": "fake-a", "index": "bad"}, {"name": "q", "backend": "fake-b"}]""", "", "tenant 't': source 'docs': index 'bad' is refused by fake-a")]
    [InlineData("""[{"name": "docs", "backend": "fake-a"}, {"name": "q", "backend": "fake-b"}]""", """, "backend": "fake-a" """, "a route with \"sources\" names a backend in each source")]
    public void Parse_InvalidSources_ThrowsOneLineReason(string sources, string route, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Parse(sources, route));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("tenant 't': ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant 't': source 'docs': tenant", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}

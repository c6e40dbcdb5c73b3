using System.Text.Json.Nodes;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>What the backend sends to OpenSearch for each search mode and isolation mode, checked at the wire.</summary>
public sealed class OpenSearchSearchWireTests : IDisposable
{
    private const string SharedIndex = "shared-cd";
    private readonly FakeOpenSearch _fake = new();
    private readonly OpenSearchTestHost _host = new();

    private string DocumentRoute => $$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{SharedIndex}}"}""";

    [Fact]
    public async Task SearchAsync_KeywordDocumentIsolation_SendsMultiMatchInsideTenantFilter()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "refund-policy", 7.5, "Refund policy", "Returns within 30 days.", highlight: "**Returns** within 30 days.")));
        var route = _host.Route("tenant-c", DocumentRoute);

        var page = await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("returns", SearchMode.Keyword), CancellationToken.None);

        var request = Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"));
        Assert.Equal("application/json", request.RequestMessage.Headers!["Content-Type"].Single().Split(';')[0]);
        Assert.Empty(request.RequestMessage.Query!);
        var body = FakeOpenSearch.BodyOf(request);
        Assert.Empty(OpenSearchSpec.SearchBody(body));
        var expectedQuery = JsonNode.Parse("""
            {"bool": {"must": [{"multi_match": {"query": "returns", "fields": ["title^2", "text"]}}],
                      "filter": [{"term": {"tenant_id": "tenant-c"}}, {"bool": {"must_not": [{"exists": {"field": "passage"}}]}}]}}
            """);
        Assert.True(JsonNode.DeepEquals(expectedQuery, body["query"]), body["query"]!.ToJsonString());
        Assert.Equal(6, body["size"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"_score": {"order": "desc"}}, {"doc_key": {"order": "asc"}}]"""), body["sort"]));
        Assert.Null(body["search_after"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"excludes": ["embedding"]}"""), body["_source"]));
        Assert.Equal("returns", body["highlight"]!["fields"]!["text"]!["highlight_query"]!["match"]!["text"]!.GetValue<string>());

        var hit = Assert.Single(page.Hits);
        Assert.Equal(("refund-policy", "Refund policy", "https://kb.example/refund-policy", "**Returns** within 30 days.", 7.5), (hit.Id, hit.Title, hit.Url, hit.Snippet, hit.Score));
        Assert.Equal(["faq"], hit.Attributes["category"]);
        Assert.Null(page.NextPosition);
    }

    [Fact]
    public async Task SearchAsync_SemanticDocumentIsolation_SendsKnnWithQueryVectorAndTenantFilter()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-c", DocumentRoute);

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("activate an esim", SearchMode.Semantic, topK: 4), CancellationToken.None);

        var body = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search")));
        Assert.Empty(OpenSearchSpec.SearchBody(body));
        var knn = body["query"]!["knn"]!.AsObject();
        var field = Assert.Single(knn);
        Assert.Equal("embedding", field.Key);
        var vector = field.Value!["vector"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        Assert.Equal(OpenSearchTestHost.Embed("activate an esim"), vector);
        Assert.Equal(5 * OpenSearchBackend.PassageOversampling, field.Value["k"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"bool": {"filter": [{"term": {"tenant_id": "tenant-c"}}]}}"""), field.Value["filter"]));
    }

    private string IndexRoute => $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{_fake.Url}}", "index": "{{SharedIndex}}"}""";

    [Fact]
    public async Task SearchAsync_HybridIndexIsolation_UsesSearchPipelineAndFiltersEverySubQuery()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "a", 0.9, "A", "alpha"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "b", 0.5, "B", "beta")));
        var route = _host.Route("tenant-c", IndexRoute);

        var page = await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("alpha", SearchMode.Hybrid, topK: 1), CancellationToken.None);

        var request = Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"));
        Assert.Equal("mcprag-hybrid", request.RequestMessage.Query!["search_pipeline"].Single());
        var body = FakeOpenSearch.BodyOf(request);
        Assert.Empty(OpenSearchSpec.SearchBody(body));
        var queries = body["query"]!["hybrid"]!["queries"]!.AsArray();
        Assert.Equal(2, queries.Count);
        Assert.Equal("alpha", queries[0]!["bool"]!["must"]![0]!["multi_match"]!["query"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"term": {"tenant_id": "tenant-c"}}, {"bool": {"must_not": [{"exists": {"field": "passage"}}]}}]"""), queries[0]!["bool"]!["filter"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"bool": {"filter": [{"term": {"tenant_id": "tenant-c"}}]}}"""), queries[1]!["knn"]!["embedding"]!["filter"]));
        Assert.Null(body["sort"]);
        Assert.Equal(["a"], page.Hits.Select(h => h.Id));
        Assert.NotNull(page.NextPosition);
    }

    [Theory]
    [InlineData("2.11.0")]
    [InlineData("2.17.1")]
    [InlineData("2.19.1")]
    [InlineData("3.8.0")]
    public async Task SearchAsync_HybridDocumentIsolationBeforeDlsFix_FusesOnTheClientWithoutTryingHybrid(string version)
    {
        _fake.Cluster(version);
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(FakeOpenSearch.Hit(SharedIndex, "tenant-c", "a", 0.9, "A", "alpha")));
        var route = _host.Route("tenant-c", DocumentRoute);

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("alpha", SearchMode.Hybrid), CancellationToken.None);

        var searches = _fake.RequestsTo("POST", $"/{SharedIndex}/_search");
        Assert.Equal(2, searches.Count);
        Assert.All(searches, r =>
        {
            Assert.DoesNotContain("\"hybrid\"", r.RequestMessage.Body, StringComparison.Ordinal);
            Assert.Empty(r.RequestMessage.Query!);
            Assert.Empty(OpenSearchSpec.SearchBody(FakeOpenSearch.BodyOf(r)));
        });
    }

    [Fact]
    public async Task SearchAsync_HybridDocumentIsolationOnDlsFixedVersion_SendsTheHybridQuery()
    {
        _fake.Cluster("3.9.0");
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-c", DocumentRoute);

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("alpha", SearchMode.Hybrid), CancellationToken.None);

        var request = Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"));
        Assert.NotNull(FakeOpenSearch.BodyOf(request)["query"]!["hybrid"]);
        Assert.Equal("mcprag-hybrid", request.RequestMessage.Query!["search_pipeline"].Single());
    }

    [Fact]
    public async Task SearchAsync_HybridRefusedOnOneRoute_FallsBackOnlyForThatRoute()
    {
        const string otherIndex = "kb-other";
        _fake.IndexExists(SharedIndex, 384);
        _fake.IndexExists(otherIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 400, FakeOpenSearch.Error("parsing_exception", "unknown query [hybrid]", 400), b => b!.Contains("\"hybrid\"", StringComparison.Ordinal), priority: 1);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(FakeOpenSearch.Hit(SharedIndex, "tenant-c", "a", 1, "A", "a")), priority: 2);
        _fake.Stub("POST", $"/{otherIndex}/_search", 200, FakeOpenSearch.SearchResult(FakeOpenSearch.Hit(otherIndex, "tenant-d", "b", 1, "B", "b")));
        var refused = _host.Route("tenant-c", IndexRoute);
        var other = _host.Route("tenant-d", $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{_fake.Url}}", "index": "{{otherIndex}}"}""");

        await _host.Backend.SearchAsync(refused, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Hybrid), CancellationToken.None);
        await _host.Backend.SearchAsync(refused, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Hybrid), CancellationToken.None);
        await _host.Backend.SearchAsync(other, OpenSearchTestHost.Caller("tenant-d"), OpenSearchTestHost.Query("b", SearchMode.Hybrid), CancellationToken.None);

        // The refused route: one hybrid attempt, then keyword + k-NN pairs. The other route on the same endpoint keeps hybrid.
        Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"), r => r.RequestMessage.Body!.Contains("\"hybrid\"", StringComparison.Ordinal));
        Assert.Equal(5, _fake.RequestsTo("POST", $"/{SharedIndex}/_search").Count);
        var otherSearch = Assert.Single(_fake.RequestsTo("POST", $"/{otherIndex}/_search"));
        Assert.NotNull(FakeOpenSearch.BodyOf(otherSearch)["query"]!["hybrid"]);
    }

    [Fact]
    public async Task SearchAsync_NodesApiNotExposed_UsesTheVersionAndAssumesTheBundledPlugins()
    {
        _fake.Stub("GET", "/_nodes/plugins", 404, FakeOpenSearch.Error("resource_not_found_exception", "no handler found for uri [/_nodes/plugins]", 404), priority: 1);
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-c", IndexRoute);

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Hybrid), CancellationToken.None);

        var search = Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"));
        Assert.NotNull(FakeOpenSearch.BodyOf(search)["query"]!["hybrid"]);
    }

    [Fact]
    public async Task SearchAsync_HybridBadRequestThatProvesNothing_IsAnErrorAndKeepsHybrid()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 400, FakeOpenSearch.Error("illegal_argument_exception", "field [title] of type [keyword] does not support match", 400));
        var route = _host.Route("tenant-c", IndexRoute);

        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<RetrievalException>(() =>
                _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Hybrid), CancellationToken.None));
            Assert.Equal(RetrievalErrorCode.BackendError, error.Code);
        }

        Assert.Equal(2, _fake.RequestsTo("POST", $"/{SharedIndex}/_search").Count);
        Assert.All(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"), r => Assert.Contains("\"hybrid\"", r.RequestMessage.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchAsync_CursorOfClientFusedSearch_ContinuesFusedAfterTheClusterGainsHybrid()
    {
        _fake.Cluster("2.19.1", ["opensearch-knn"]);
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "a", 2, "A", "a"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "b", 1, "B", "b")));
        var first = await _host.Backend.SearchAsync(_host.Route("tenant-c", IndexRoute), OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Hybrid, topK: 1), CancellationToken.None);
        Assert.NotNull(first.NextPosition);

        // The same tenant after a reload onto an upgraded cluster (a new route, so its strategy is read again).
        using var upgraded = new FakeOpenSearch("3.9.0");
        upgraded.IndexExists(SharedIndex, 384);
        upgraded.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "a", 2, "A", "a"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "b", 1, "B", "b")));
        var reloaded = _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{upgraded.Url}}", "index": "{{SharedIndex}}"}""");
        var second = await _host.Backend.SearchAsync(reloaded, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Hybrid, topK: 1, position: first.NextPosition), CancellationToken.None);

        Assert.Equal(["b"], second.Hits.Select(h => h.Id));
        Assert.Equal(2, upgraded.RequestsTo("POST", $"/{SharedIndex}/_search").Count);
        Assert.All(upgraded.RequestsTo("POST", $"/{SharedIndex}/_search"), r => Assert.DoesNotContain("\"hybrid\"", r.RequestMessage.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchAsync_CursorOfNativeHybridSearchOnRouteThatLostHybrid_IsRefused()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "a", 2, "A", "a"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "b", 1, "B", "b")));
        var first = await _host.Backend.SearchAsync(_host.Route("tenant-c", IndexRoute), OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Hybrid, topK: 1), CancellationToken.None);

        using var downgraded = new FakeOpenSearch("2.19.1");
        downgraded.Cluster("2.19.1", ["opensearch-knn"]);
        downgraded.IndexExists(SharedIndex, 384);
        var reloaded = _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{downgraded.Url}}", "index": "{{SharedIndex}}"}""");
        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.SearchAsync(reloaded, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Hybrid, topK: 1, position: first.NextPosition), CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.Empty(downgraded.RequestsTo("POST", $"/{SharedIndex}/_search"));
    }

    [Theory]
    [InlineData("2.11.0")]
    [InlineData("2.17.1")]
    public async Task SearchAsync_FaissRouteBeforeFaissCosine_IsNotProvisionedWithOneLineReasonInTheLog(string version)
    {
        _fake.Cluster(version);
        _fake.IndexExists(SharedIndex, 384);
        var route = _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{_fake.Url}}", "index": "{{SharedIndex}}", "engine": "faiss"}""");

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Semantic), CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.TenantNotProvisioned, error.Code);
        Assert.Contains(_host.Logs.Lines, l => l.Contains("engine faiss with space type cosinesimil needs OpenSearch 2.19", StringComparison.Ordinal) && l.Contains("#2376", StringComparison.Ordinal));
        Assert.Empty(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"));
    }

    [Fact]
    public async Task SearchAsync_FaissRouteOn219_SendsKnnWithEfficientFilter()
    {
        _fake.Cluster("2.19.1");
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{_fake.Url}}", "index": "{{SharedIndex}}", "engine": "faiss"}""");

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Semantic), CancellationToken.None);

        var body = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search")));
        Assert.NotNull(body["query"]!["knn"]!["embedding"]!["filter"]);
    }

    [Fact]
    public async Task SearchAsync_ClusterWithoutEfficientFiltering_PutsTheScopeAroundTheKnnQuery()
    {
        _fake.Cluster("2.3.0");
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-c", IndexRoute);

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("a", SearchMode.Semantic), CancellationToken.None);

        var body = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search")));
        Assert.Empty(OpenSearchSpec.SearchBody(body));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"term": {"tenant_id": "tenant-c"}}]"""), body["query"]!["bool"]!["filter"]));
        Assert.Null(body["query"]!["bool"]!["must"]![0]!["knn"]!["embedding"]!["filter"]);
    }

    [Theory]
    [InlineData(SearchMode.Keyword)]
    [InlineData(SearchMode.Semantic)]
    [InlineData(SearchMode.Hybrid)]
    public async Task SearchAsync_DocumentIsolationWithAttributeFilters_AlwaysKeepsTheTenantTerm(SearchMode mode)
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-d", DocumentRoute);
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["category"] = ["policy", "faq"], ["tenant_idx"] = ["tenant-c"] };

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-d"), OpenSearchTestHost.Query("refund", mode, filters: filters), CancellationToken.None);

        // Hybrid under document isolation is fused on the client (two searches); every search is scoped.
        var searches = _fake.RequestsTo("POST", $"/{SharedIndex}/_search");
        Assert.Equal(mode == SearchMode.Hybrid ? 2 : 1, searches.Count);
        foreach (var body in searches.Select(FakeOpenSearch.BodyOf))
        {
            Assert.Empty(OpenSearchSpec.SearchBody(body));
            var scopes = FindFilterArrays(body).ToList();
            Assert.NotEmpty(scopes);
            Assert.All(scopes, scope =>
            {
                Assert.Contains(scope, c => JsonNode.DeepEquals(c, JsonNode.Parse("""{"term": {"tenant_id": "tenant-d"}}""")));
                Assert.Contains(scope, c => JsonNode.DeepEquals(c, JsonNode.Parse("""{"terms": {"attributes.category": ["policy", "faq"]}}""")));
                Assert.DoesNotContain(scope, c => c!.ToJsonString().Contains("\"tenant_id\":\"tenant-c\"", StringComparison.Ordinal));
            });
        }
    }

    [Fact]
    public async Task SearchAsync_IndexIsolation_SearchesTheTenantsOwnIndexStillScopedToTheTenant()
    {
        _fake.IndexExists("mcprag-tenant-b", 384);
        _fake.Stub("POST", "/mcprag-tenant-b/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-b", $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{_fake.Url}}"}""");

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-b"), OpenSearchTestHost.Query("refund", SearchMode.Keyword), CancellationToken.None);

        var body = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", "/mcprag-tenant-b/_search")));
        Assert.Empty(OpenSearchSpec.SearchBody(body));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"term": {"tenant_id": "tenant-b"}}, {"bool": {"must_not": [{"exists": {"field": "passage"}}]}}]"""), body["query"]!["bool"]!["filter"]));
    }

    [Fact]
    public async Task SearchAsync_DomainIsolationSemantic_SendsKnnScopedToTheTenantToTheTenantsDomain()
    {
        _fake.IndexExists("kb", 384);
        _fake.Stub("POST", "/kb/_search", 200, FakeOpenSearch.SearchResult());
        var route = _host.Route("tenant-a", $$"""{"backend": "opensearch", "isolation": "domain", "endpoint": "{{_fake.Url}}", "index": "kb"}""");

        await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-a"), OpenSearchTestHost.Query("roaming", SearchMode.Semantic), CancellationToken.None);

        var body = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", "/kb/_search")));
        Assert.Empty(OpenSearchSpec.SearchBody(body));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"bool": {"filter": [{"term": {"tenant_id": "tenant-a"}}]}}"""), body["query"]!["knn"]!["embedding"]!["filter"]));
    }

    [Fact]
    public async Task SearchAsync_IndexRouteThatPointsAtASharedIndex_ReturnsOnlyTheCallersDocuments()
    {
        // A misconfigured route (index isolation, but naming an index other tenants share) must still not leak.
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-d", "refund-policy", 3.0, "Refund policy", "vouchers"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-b", "booking", 2.0, "Booking", "clinic")));
        var route = _host.Route("tenant-b", $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{_fake.Url}}", "index": "{{SharedIndex}}"}""");

        var page = await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-b"), OpenSearchTestHost.Query("refund", SearchMode.Keyword), CancellationToken.None);

        Assert.Equal(["booking"], page.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task SearchAsync_NextPosition_SendsSearchAfterWithTheLastHitsSortValues()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "a", 3.0, "A", "x"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "b", 2.0, "B", "x"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "c", 1.0, "C", "x")));
        var route = _host.Route("tenant-c", DocumentRoute);
        var caller = OpenSearchTestHost.Caller("tenant-c");

        var first = await _host.Backend.SearchAsync(route, caller, OpenSearchTestHost.Query("x", SearchMode.Keyword, topK: 2), CancellationToken.None);
        await _host.Backend.SearchAsync(route, caller, OpenSearchTestHost.Query("x", SearchMode.Keyword, topK: 2, position: first.NextPosition), CancellationToken.None);

        Assert.Equal(["a", "b"], first.Hits.Select(h => h.Id));
        var second = FakeOpenSearch.BodyOf(_fake.RequestsTo("POST", $"/{SharedIndex}/_search")[1]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[2.0, "tenant-c:b"]"""), second["search_after"]), second["search_after"]?.ToJsonString());
    }

    [Fact]
    public async Task SearchAsync_ClusterWithoutNeuralSearch_FallsBackToClientSideRankFusion()
    {
        _fake.Cluster("2.19.1", ["opensearch-knn"]);
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 400, FakeOpenSearch.Error("parsing_exception", "unknown query [hybrid]", 400), b => b!.Contains("\"hybrid\"", StringComparison.Ordinal), priority: 1);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "keyword-only", 9, "K", "k"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "both", 8, "B", "b")), b => b!.Contains("multi_match", StringComparison.Ordinal), priority: 2);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "both", 0.9, "B", "b"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "semantic-only", 0.8, "S", "s")), b => b!.Contains("\"knn\"", StringComparison.Ordinal), priority: 3);
        var route = _host.Route("tenant-c", DocumentRoute);

        var page = await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("b", SearchMode.Hybrid), CancellationToken.None);

        // Read from the plugin list: no hybrid request is tried first.
        Assert.Equal(2, _fake.RequestsTo("POST", $"/{SharedIndex}/_search").Count);
        Assert.Equal("both", page.Hits[0].Id);
        Assert.Equal(["both", "keyword-only", "semantic-only"], page.Hits.Select(h => h.Id));
        Assert.All(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"), r => Assert.Contains("\"term\":{\"tenant_id\":\"tenant-c\"}", r.RequestMessage.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchAsync_SemanticHitsOfAPassageAndItsRecord_CollapseToOneDocumentWithThePassageSnippet()
    {
        _fake.IndexExists(SharedIndex, 384);
        var passage = FakeOpenSearch.Hit(SharedIndex, "tenant-c", "manual", 0.95, "Router manual", "Step 40: reset the router.", highlight: "Step 40: **reset** the router.");
        passage["_id"] = "tenant-c~3:manual";
        passage["_source"]!["passage"] = 3;
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            passage,
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "manual", 0.9, "Router manual", "Step 1: unpack."),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "faq", 0.8, "FAQ", "Questions.")));
        var route = _host.Route("tenant-c", DocumentRoute);

        var page = await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("reset", SearchMode.Semantic, topK: 1), CancellationToken.None);
        var next = await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("reset", SearchMode.Semantic, topK: 1, position: page.NextPosition), CancellationToken.None);

        var hit = Assert.Single(page.Hits);
        Assert.Equal(("manual", "Step 40: **reset** the router.", 0.95), (hit.Id, hit.Snippet, hit.Score));
        Assert.Equal(["faq"], next.Hits.Select(h => h.Id));
        Assert.Null(next.NextPosition);
    }

    [Fact]
    public async Task SearchAsync_HitOfAnotherTenantInResponse_IsDropped()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(
            FakeOpenSearch.Hit(SharedIndex, "tenant-d", "baggage", 9, "Baggage", "bags"),
            FakeOpenSearch.Hit(SharedIndex, "tenant-c", "refund", 8, "Refund", "refund")));
        var route = _host.Route("tenant-c", DocumentRoute);

        var page = await _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("bags", SearchMode.Keyword), CancellationToken.None);

        Assert.Equal(["refund"], page.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task SearchAsync_IndexNotCreated_IsNotProvisionedWithOperatorHintInTheLog()
    {
        _fake.IndexMissing(SharedIndex);
        var route = _host.Route("tenant-c", DocumentRoute);

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("refund", SearchMode.Hybrid), CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.TenantNotProvisioned, error.Code);
        Assert.DoesNotContain(SharedIndex, error.Message, StringComparison.Ordinal);
        Assert.Contains(_host.Logs.Lines, l => l.Contains("mcprag opensearch provision --apply", StringComparison.Ordinal) && l.Contains(SharedIndex, StringComparison.Ordinal));
        Assert.Empty(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"));
        Assert.Empty(_fake.RequestsTo("PUT", $"/{SharedIndex}"));
    }

    [Fact]
    public async Task SearchAsync_IndexBuiltWithAnotherModel_IsNotProvisionedNamingTheDimensionsInTheLog()
    {
        _fake.IndexExists(SharedIndex, 1024);
        var route = _host.Route("tenant-c", DocumentRoute);

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("refund", SearchMode.Keyword), CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.TenantNotProvisioned, error.Code);
        Assert.Contains(_host.Logs.Lines, l => l.Contains("1024", StringComparison.Ordinal) && l.Contains("384", StringComparison.Ordinal));
        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SharedIndex, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchAsync_ReloadChangesTheModelAndDimensions_RechecksAndDisablesTheRouteNamingTheMismatch()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult());
        await _host.Backend.SearchAsync(_host.Route("tenant-c", DocumentRoute), OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("refund", SearchMode.Keyword), CancellationToken.None);

        // The routing table is reloaded with another embedding model for the same index.
        var reloaded = _host.Route("tenant-c", $$"""
            {"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{SharedIndex}}",
             "embeddingModel": "amazon.titan-embed-text-v2:0", "dimensions": 1024}
            """);
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<RetrievalException>(() =>
                _host.Backend.SearchAsync(reloaded, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("refund", SearchMode.Semantic), CancellationToken.None));
            Assert.Equal(RetrievalErrorCode.TenantNotProvisioned, error.Code);
        }

        Assert.Equal(2, _fake.RequestsTo("GET", $"/{SharedIndex}/_mapping").Count);
        Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search"));
        Assert.Single(_host.Logs.Lines, l => l.Contains("disabled", StringComparison.Ordinal) && l.Contains("384-dimension", StringComparison.Ordinal) && l.Contains("produces 1024", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchAsync_IndexMetaNamesAnotherModel_IsNotProvisionedNamingBothModels()
    {
        _fake.Stub("GET", $"/{SharedIndex}/_mapping", 200, new JsonObject
        {
            [SharedIndex] = JsonNode.Parse("""
                {"mappings": {"_meta": {"embedding_model": "other-384-model"}, "properties": {"embedding": {"type": "knn_vector", "dimension": 384}}}}
                """),
        });
        var route = _host.Route("tenant-c", DocumentRoute);

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("refund", SearchMode.Semantic), CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.TenantNotProvisioned, error.Code);
        Assert.Contains(_host.Logs.Lines, l => l.Contains("other-384-model", StringComparison.Ordinal) && l.Contains("all-MiniLM-L6-v2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(403, "security_exception", RetrievalErrorCode.Forbidden)]
    [InlineData(401, "security_exception", RetrievalErrorCode.Forbidden)]
    [InlineData(400, "search_phase_execution_exception", RetrievalErrorCode.BackendError)]
    public async Task SearchAsync_ClusterError_MapsToToolErrorWithoutInternals(int status, string type, RetrievalErrorCode expected)
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", status, FakeOpenSearch.Error(type, $"no permissions for [indices:data/read/search] and User [name=user-1, backend_roles=[tenant-c]] on [{SharedIndex}]", status));
        var route = _host.Route("tenant-c", DocumentRoute);

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.SearchAsync(route, OpenSearchTestHost.Caller("tenant-c"), OpenSearchTestHost.Query("refund", SearchMode.Keyword), CancellationToken.None));

        Assert.Equal(expected, error.Code);
        Assert.DoesNotContain("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SharedIndex, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_DocumentIsolation_LooksUpTenantKeyInsideTenantFilter()
    {
        _fake.IndexExists(SharedIndex, 384);
        _fake.Stub("POST", $"/{SharedIndex}/_search", 200, FakeOpenSearch.SearchResult(FakeOpenSearch.Hit(SharedIndex, "tenant-c", "refund", 1, "Refund", "Full text.")));
        var route = _host.Route("tenant-c", DocumentRoute);

        var document = await _host.Backend.GetAsync(route, OpenSearchTestHost.Caller("tenant-c"), "refund", CancellationToken.None);

        var body = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", $"/{SharedIndex}/_search")));
        Assert.Empty(OpenSearchSpec.SearchBody(body));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"bool": {"filter": [{"term": {"tenant_id": "tenant-c"}}, {"ids": {"values": ["tenant-c:refund"]}}]}}"""), body["query"]), body["query"]!.ToJsonString());
        Assert.Equal(("refund", "Refund", "Full text."), (document!.Id, document.Title, document.Text));
    }

    private static IEnumerable<JsonArray> FindFilterArrays(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "filter" && value is JsonArray array)
                    {
                        yield return array;
                    }

                    foreach (var inner in FindFilterArrays(value))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray arr:
                foreach (var inner in arr.SelectMany(FindFilterArrays))
                {
                    yield return inner;
                }

                break;
        }
    }

    public void Dispose()
    {
        _host.Dispose();
        _fake.Dispose();
    }
}

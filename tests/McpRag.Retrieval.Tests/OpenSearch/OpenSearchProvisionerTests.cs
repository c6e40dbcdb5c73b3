using System.Text.Json.Nodes;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>Provisioning: the generated security files per endpoint, and what <c>--apply</c> sends to a cluster.</summary>
public sealed class OpenSearchProvisionerTests : IDisposable
{
    private readonly FakeOpenSearch _fake = new();
    private readonly OpenSearchTestHost _host = new();
    private readonly string _output = TestData.NewFolder();

    private IReadOnlyList<TenantRoute> Routes(string sharedEndpoint, string domainEndpoint) =>
        TenantTable.Parse("""
            {"defaults": {"backend": "opensearch"},
             "tenants": {
               "tenant-a": {"isolation": "domain", "endpoint": "DOMAIN", "index": "kb"},
               "tenant-b": {"isolation": "index", "endpoint": "SHARED"},
               "tenant-c": {"isolation": "document", "endpoint": "SHARED", "index": "shared-cd"},
               "tenant-d": {"isolation": "document", "endpoint": "SHARED", "index": "shared-cd"}}}
            """.Replace("SHARED", sharedEndpoint, StringComparison.Ordinal).Replace("DOMAIN", domainEndpoint, StringComparison.Ordinal), _host.Backend.ValidateRoute).Values.ToList();

    [Fact]
    public void WriteFiles_SampleTenants_OneFolderPerEndpointWithDlsForSharedIndexOnly()
    {
        var provisioner = _host.Get<OpenSearchProvisioner>();

        provisioner.WriteFiles(Routes("https://shared.search.example", "https://tenant-a.search.example"), _output);

        var shared = Path.Combine(_output, "shared.search.example");
        var roles = File.ReadAllText(Path.Combine(shared, "roles.yml"));
        Assert.Contains("dls: \"{\\\"term\\\":{\\\"tenant_id\\\":\\\"tenant-c\\\"}}\"", roles, StringComparison.Ordinal);
        Assert.Contains("dls: \"{\\\"term\\\":{\\\"tenant_id\\\":\\\"tenant-d\\\"}}\"", roles, StringComparison.Ordinal);
        Assert.Equal(2, roles.Split("dls:").Length - 1);
        Assert.Contains("- \"tenant-c\"", File.ReadAllText(Path.Combine(shared, "roles_mapping.yml")), StringComparison.Ordinal);
        var config = File.ReadAllText(Path.Combine(shared, "config.yml"));
        var publicKey = _host.Get<DownstreamSigningKey>().PublicKeyPem.Trim().Replace("\n", "\\n", StringComparison.Ordinal);
        Assert.Contains($"signing_key: \"{publicKey}\"", config, StringComparison.Ordinal);
        Assert.Contains("roles_key: \"roles\"", config, StringComparison.Ordinal);
        Assert.Contains("required_audience: \"https://shared.search.example\"", config, StringComparison.Ordinal);
        Assert.Contains("required_issuer: \"mcprag\"", config, StringComparison.Ordinal);
        Assert.Empty(OpenSearchSpec.CreateIndexBody(JsonNode.Parse(File.ReadAllText(Path.Combine(shared, "indexes", "shared-cd.json")))!.AsObject()));

        var domainFiles = Directory.GetFiles(Path.Combine(_output, "tenant-a.search.example"), "*", SearchOption.AllDirectories).Select(File.ReadAllText);
        Assert.All(domainFiles, text => Assert.DoesNotContain("tenant-b", text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApplyAsync_WithAdminCredentials_CreatesIndexesPipelineAndRoles()
    {
        _fake.Stub("PUT", "/mcprag-tenant-b", 200, new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = "mcprag-tenant-b" });
        _fake.Stub("PUT", "/shared-cd", 400, FakeOpenSearch.Error("resource_already_exists_exception", "index [shared-cd] already exists", 400));
        _fake.Stub("PUT", "/_search/pipeline/mcprag-hybrid", 200, new JsonObject { ["acknowledged"] = true });
        foreach (var tenant in new[] { "b", "c", "d" })
        {
            _fake.Stub("PUT", $"/_plugins/_security/api/roles/mcprag_tenant_{tenant}", 200, new JsonObject { ["status"] = "CREATED" });
            _fake.Stub("PUT", $"/_plugins/_security/api/rolesmapping/mcprag_tenant_{tenant}", 200, new JsonObject { ["status"] = "CREATED" });
        }

        var routes = Routes(_fake.Url, "https://tenant-a.search.example").Where(r => r.TenantId != "tenant-a");
        var report = await _host.Get<OpenSearchProvisioner>().ApplyAsync(routes, new StaticAdmin(), CancellationToken.None);

        Assert.Contains(report, l => l.EndsWith("index mcprag-tenant-b created", StringComparison.Ordinal));
        Assert.Contains(report, l => l.EndsWith("index shared-cd already exists", StringComparison.Ordinal));
        var pipeline = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("PUT", "/_search/pipeline/mcprag-hybrid")));
        Assert.Empty(OpenSearchSpec.SearchPipelineBody(pipeline));
        var role = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("PUT", "/_plugins/_security/api/roles/mcprag_tenant_c")));
        Assert.Equal("{\"term\":{\"tenant_id\":\"tenant-c\"}}", role["index_permissions"]![0]!["dls"]!.GetValue<string>());
        var mapping = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("PUT", "/_plugins/_security/api/rolesmapping/mcprag_tenant_d")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["tenant-d"]"""), mapping["backend_roles"]));
        Assert.All(_fake.Requests, r => Assert.Equal("Basic YWRtaW46dGVzdA==", r.RequestMessage.Headers!["Authorization"].Single()));
        Assert.Single(_fake.RequestsTo("GET", "/"));
    }

    [Fact]
    public async Task ApplyAsync_WithoutAdminCredentials_RefusesInOneLineAndSendsNothing()
    {
        var routes = Routes(_fake.Url, _fake.Url);

        var error = await Assert.ThrowsAsync<FormatException>(() => _host.Get<OpenSearchProvisioner>().ApplyAsync(routes, admin: null, CancellationToken.None));

        Assert.Equal(OpenSearchProvisioner.MissingAdminCredentials, error.Message);
        Assert.Contains("cluster-admin credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(_fake.Requests);
    }

    [Theory]
    [InlineData("2.11.0")]
    [InlineData("2.17.1")]
    public async Task ApplyAsync_FaissRouteBeforeFaissCosine_RefusesBeforeCreatingAnything(string version)
    {
        _fake.Cluster(version);
        var routes = new[] { _host.Route("tenant-b", $$"""{"backend": "opensearch", "isolation": "index", "endpoint": "{{_fake.Url}}", "engine": "faiss"}""") };

        var error = await Assert.ThrowsAsync<FormatException>(() => _host.Get<OpenSearchProvisioner>().ApplyAsync(routes, new StaticAdmin(), CancellationToken.None));

        Assert.Contains("faiss", error.Message, StringComparison.Ordinal);
        Assert.Contains("2.19", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_fake.Requests, r => r.RequestMessage.Method == "PUT");
    }

    [Fact]
    public void CreateIndex_Route_HasKnnVectorTenantKeywordAndModelInMeta()
    {
        var route = OpenSearchRoute.Parse(Routes("https://shared.search.example", "https://a.search.example").Single(r => r.TenantId == "tenant-c")).Route!;

        var create = OpenSearchQueries.CreateIndex(route);

        Assert.Empty(OpenSearchSpec.CreateIndexBody(create));
        Assert.True(create["settings"]!["index"]!["knn"]!.GetValue<bool>());
        var properties = create["mappings"]!["properties"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type": "knn_vector", "dimension": 384, "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"}}"""), properties["embedding"]));
        Assert.Equal("keyword", properties["tenant_id"]!["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"embedding_model": "all-MiniLM-L6-v2", "dimensions": 384}"""), create["mappings"]!["_meta"]));
    }

    [Fact]
    public void SecurityConfig_TenantRoles_AllowNoIndexCreationAndOnlyReadingClusterVersion()
    {
        var routes = Routes("https://shared.search.example", "https://a.search.example").Select(r => OpenSearchRoute.Parse(r).Route!).ToList();

        var security = OpenSearchSecurityConfig.For(routes, "mcprag", _host.Get<DownstreamSigningKey>().PublicKeyPem);

        Assert.All(security.Roles.Values, role =>
        {
            var text = role.ToJsonString();
            Assert.DoesNotContain("indices:admin/create", text, StringComparison.Ordinal);
            Assert.DoesNotContain("search/pipeline", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"*\"", text, StringComparison.Ordinal);
            Assert.Equal(["indices:data/write/bulk", "cluster:monitor/main", "cluster:monitor/nodes/info"], role["cluster_permissions"]!.AsArray().Select(a => a!.GetValue<string>()));
        });
    }

    public void Dispose()
    {
        _host.Dispose();
        _fake.Dispose();
        Directory.Delete(_output, recursive: true);
    }

    private sealed class StaticAdmin : IOpenSearchAuthorizer
    {
        public void Authorize(HttpRequestMessage request) =>
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "YWRtaW46dGVzdA==");
    }
}

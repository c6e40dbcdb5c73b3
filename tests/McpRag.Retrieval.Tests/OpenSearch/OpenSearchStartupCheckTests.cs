using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>The start-up check of index mappings against the routes' embedding models.</summary>
public sealed class OpenSearchStartupCheckTests : IDisposable
{
    private readonly FakeOpenSearch _fake = new();
    private readonly OpenSearchTestHost _host = new();
    private readonly string _folder = TestData.NewFolder();

    private OpenSearchStartupCheck Check(string engine = "lucene")
    {
        var file = Path.Combine(_folder, "tenants.json");
        File.WriteAllText(file, """
            {"defaults": {"backend": "opensearch", "endpoint": "ENDPOINT"},
             "tenants": {"tenant-a": {"isolation": "domain", "index": "kb", "engine": "ENGINE"}, "tenant-b": {"isolation": "index"}, "local-one": {"backend": "local"}}}
            """.Replace("ENDPOINT", _fake.Url, StringComparison.Ordinal).Replace("ENGINE", engine, StringComparison.Ordinal));
        var registry = new BackendRegistry([_host.Backend, new NamedBackend("local")]);
        var directory = new FileTenantDirectory(Options.Create(new TenantDirectoryOptions { File = file }), registry, NullLogger<FileTenantDirectory>.Instance);
        return new OpenSearchStartupCheck(directory, _host.Backend, NullLogger<OpenSearchStartupCheck>.Instance);
    }

    [Fact]
    public async Task StartAsync_IndexWithOtherVectorSize_RefusesToStartNamingTheTenant()
    {
        _fake.IndexExists("kb", 1024);
        _fake.IndexMissing("mcprag-tenant-b");

        var error = await Assert.ThrowsAsync<FormatException>(() => Check().StartAsync(CancellationToken.None));

        Assert.StartsWith("tenant 'tenant-a': index 'kb' holds 1024-dimension vectors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MatchingOrMissingIndexes_Starts()
    {
        _fake.IndexExists("kb", 384);
        _fake.IndexMissing("mcprag-tenant-b");

        await Check().StartAsync(CancellationToken.None);

        // Per route: the version and plugins (read once, kept for the route) and the mapping.
        Assert.Equal(2, _fake.RequestsTo("GET", "/").Count);
        Assert.Equal(2, _fake.RequestsTo("GET", "/_nodes/plugins").Count);
        Assert.Single(_fake.RequestsTo("GET", "/kb/_mapping"));
        Assert.Single(_fake.RequestsTo("GET", "/mcprag-tenant-b/_mapping"));
    }

    [Fact]
    public async Task StartAsync_FaissRouteOnClusterBefore219_RefusesToStartWithOneLineReason()
    {
        _fake.Cluster("2.17.1");
        _fake.IndexExists("kb", 384);
        _fake.IndexMissing("mcprag-tenant-b");

        var error = await Assert.ThrowsAsync<FormatException>(() => Check(engine: "faiss").StartAsync(CancellationToken.None));

        Assert.StartsWith("tenant 'tenant-a': engine faiss with space type cosinesimil needs OpenSearch 2.19", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    public void Dispose()
    {
        _host.Dispose();
        _fake.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Stands in for another registered backend so a mixed routing table validates; it is never called.</summary>
    private sealed class NamedBackend(string name) : IRetrievalBackend
    {
        public string Name => name;

        public TenantRoute ValidateRoute(TenantRoute route) => route;

        public Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}

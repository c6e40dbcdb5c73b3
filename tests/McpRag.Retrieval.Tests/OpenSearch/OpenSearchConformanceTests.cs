using System.Collections.Concurrent;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using McpRag.Retrieval.Tests.Conformance;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// The OpenSearch backend as the server wires it (<see cref="OpenSearchTestHost"/>), against stateful loopback
/// clusters (<see cref="FakeOpenSearchCluster"/>) in one isolation mode. Indexes are provisioned the way an
/// operator's <c>provision --apply</c> leaves them (the server never creates indexes), including those of the
/// tenants write cases add.
/// </summary>
public abstract class OpenSearchConformanceBackend(TenantIsolation isolation, string version) : ConformanceBackend
{
    private const string SharedIndex = "kb-shared";
    private const string DomainIndex = "kb";
    private readonly ConcurrentDictionary<string, Lazy<FakeOpenSearchCluster>> _clusters = new(StringComparer.Ordinal);
    private OpenSearchTestHost? _host;

    public override IRetrievalBackend Backend => Host.Backend;

    private OpenSearchTestHost Host => _host ?? throw new InvalidOperationException("the backend is not started");

    /// <summary>Every cluster the suite talks to, with the requests each received.</summary>
    internal IEnumerable<FakeOpenSearchCluster> Clusters => _clusters.Values.Where(c => c.IsValueCreated).Select(c => c.Value);

    public override TenantRoute RouteOf(string tenantId)
    {
        // Domain isolation: a cluster of the tenant's own; index and document isolation share one cluster.
        var cluster = ClusterFor(isolation == TenantIsolation.Domain ? tenantId : "shared");
        var index = isolation switch
        {
            TenantIsolation.Document => SharedIndex,
            TenantIsolation.Domain => DomainIndex,
            _ => OpenSearchIndexNames.TenantIndexPrefix + tenantId,
        };
        cluster.Provision(index);
        var indexMember = isolation == TenantIsolation.Index ? string.Empty : $$""", "index": "{{index}}" """;
        return Host.Route(tenantId, $$"""{"backend": "{{OpenSearchBackend.BackendName}}", "isolation": "{{isolation.ToString().ToLowerInvariant()}}", "endpoint": "{{cluster.Url}}"{{indexMember}}}""");
    }

    private FakeOpenSearchCluster ClusterFor(string owner) =>
        _clusters.GetOrAdd(owner, _ => new Lazy<FakeOpenSearchCluster>(() =>
            FakeOpenSearchCluster.StartAsync(version, isolation == TenantIsolation.Document ? [SharedIndex] : null).GetAwaiter().GetResult())).Value;

    protected override ValueTask StartAsync()
    {
        _host = new OpenSearchTestHost();
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        _host?.Dispose();
        foreach (var cluster in Clusters)
        {
            await cluster.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>Document isolation on a shared index of a 2.17 cluster whose security plugin applies document-level security (and refuses <c>hybrid</c> under it).</summary>
public sealed class OpenSearchDocumentIsolationBackend() : OpenSearchConformanceBackend(TenantIsolation.Document, "2.17.1");

/// <summary>Index isolation: each tenant its own index on a shared 2.19 cluster.</summary>
public sealed class OpenSearchIndexIsolationBackend() : OpenSearchConformanceBackend(TenantIsolation.Index, "2.19.1");

/// <summary>Domain isolation: each tenant its own 2.19 cluster.</summary>
public sealed class OpenSearchDomainIsolationBackend() : OpenSearchConformanceBackend(TenantIsolation.Domain, "2.19.1");

/// <summary>
/// The conformance suite against OpenSearch in one isolation mode, plus the wire check: every search and bulk body
/// the backend sent during the suite is valid against the official OpenSearch API specification.
/// </summary>
public abstract class OpenSearchConformanceTests<TBackend>(TBackend backend) : RetrievalBackendConformanceTests<TBackend>(backend)
    where TBackend : OpenSearchConformanceBackend
{
    [Fact]
    public async Task Requests_SearchesInEveryModeAndFetch_MatchTheOpenSearchSpecification()
    {
        foreach (var mode in Enum.GetValues<SearchMode>())
        {
            await SearchAsync(TenantOne, "refund returns", mode, filters: new Dictionary<string, IReadOnlyList<string>> { ["category"] = ["policy"] });
        }

        await GetAsync(TenantOne, "refund-policy");

        var requests = Fixture.Clusters.SelectMany(c => c.Requests).ToList();
        Assert.Contains(requests, r => r.Path.EndsWith("/_bulk", StringComparison.Ordinal));
        foreach (var request in requests.Where(r => r.Method == "POST"))
        {
            var errors = request.Path.EndsWith("/_bulk", StringComparison.Ordinal) ? OpenSearchSpec.BulkBody(request.Body)
                : request.Path.EndsWith("/_search", StringComparison.Ordinal) ? OpenSearchSpec.SearchBody(request.Json)
                : [$"unexpected request {request.Method} {request.Path}"];
            Assert.True(errors.Count == 0, $"{request.Method} {request.Path}{request.Query}: {string.Join("; ", errors)}");
        }
    }
}

public sealed class OpenSearchDocumentIsolationConformanceTests(OpenSearchDocumentIsolationBackend backend) : OpenSearchConformanceTests<OpenSearchDocumentIsolationBackend>(backend);

public sealed class OpenSearchIndexIsolationConformanceTests(OpenSearchIndexIsolationBackend backend) : OpenSearchConformanceTests<OpenSearchIndexIsolationBackend>(backend);

public sealed class OpenSearchDomainIsolationConformanceTests(OpenSearchDomainIsolationBackend backend) : OpenSearchConformanceTests<OpenSearchDomainIsolationBackend>(backend);

using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using McpRag.Retrieval.Tests.Conformance;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// A real OpenSearch cluster, in a fresh shared index with document isolation. Available only when
/// <c>MCPRAG_TEST_OPENSEARCH_URL</c> names a cluster (with <c>MCPRAG_TEST_OPENSEARCH_USER</c> and
/// <c>MCPRAG_TEST_OPENSEARCH_PASSWORD</c> for basic auth; otherwise the server's own JWT is sent); the suite's cases
/// are skipped, saying so, otherwise.
/// </summary>
public sealed class OpenSearchLiveBackend : ConformanceBackend
{
    private const string UrlVariable = "MCPRAG_TEST_OPENSEARCH_URL";
    private const string UserVariable = "MCPRAG_TEST_OPENSEARCH_USER";
    private const string PasswordVariable = "MCPRAG_TEST_OPENSEARCH_PASSWORD";

    private static readonly string? Url = Environment.GetEnvironmentVariable(UrlVariable);
    private readonly OpenSearchTestHost _host = new();
    private readonly string _index = "mcprag-conformance-" + Guid.NewGuid().ToString("n")[..12];

    public override string? Unavailable => string.IsNullOrEmpty(Url)
        ? $"set {UrlVariable} (and {UserVariable}/{PasswordVariable} for basic auth) to run the conformance suite against a real OpenSearch cluster"
        : null;

    public override IRetrievalBackend Backend => _host.Backend;

    public override TenantRoute RouteOf(string tenantId)
    {
        var auth = Environment.GetEnvironmentVariable(UserVariable) is { Length: > 0 }
            ? $$""", "auth": "basic", "usernameVariable": "{{UserVariable}}", "passwordVariable": "{{PasswordVariable}}" """
            : string.Empty;
        return _host.Route(tenantId, $$"""{"backend": "{{OpenSearchBackend.BackendName}}", "isolation": "document", "endpoint": "{{Url}}", "index": "{{_index}}"{{auth}}}""");
    }

    /// <summary>
    /// Creates the fresh index and the hybrid pipeline first, as an operator's <c>provision --apply</c> would: the
    /// server itself never creates indexes. Uses the basic credentials when given, else the server's own token.
    /// </summary>
    protected override async ValueTask StartAsync()
    {
        var route = OpenSearchRoute.Parse(RouteOf("tenant-a")).Route!;
        var admin = Environment.GetEnvironmentVariable(UserVariable) is { Length: > 0 }
            ? new OpenSearchTarget(route.Endpoint, OpenSearchAuthorizers.BasicFromEnvironment(UserVariable, PasswordVariable))
            : _host.Get<OpenSearchAuthorizers>().TargetFor(route, TenantPrincipal.Operator(route.TenantId));
        var client = _host.Get<IOpenSearchClient>();
        await client.CreateIndexAsync(admin, _index, OpenSearchQueries.CreateIndex(route), CancellationToken.None);
        var options = _host.Get<Microsoft.Extensions.Options.IOptions<OpenSearchOptions>>().Value;
        await client.PutSearchPipelineAsync(admin, options.HybridPipeline, OpenSearchQueries.HybridPipeline(options.HybridKeywordWeight), CancellationToken.None);
    }

    public override ValueTask DisposeAsync()
    {
        _host.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The backend conformance suite against a live cluster (see <see cref="OpenSearchLiveBackend"/>).</summary>
public sealed class OpenSearchLiveConformanceTests(OpenSearchLiveBackend backend) : RetrievalBackendConformanceTests<OpenSearchLiveBackend>(backend);

using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// The backend conformance suite against a real OpenSearch cluster, in a fresh shared index with document isolation.
/// Runs only when <c>MCPRAG_TEST_OPENSEARCH_URL</c> names a cluster (with <c>MCPRAG_TEST_OPENSEARCH_USER</c> and
/// <c>MCPRAG_TEST_OPENSEARCH_PASSWORD</c> for basic auth; otherwise the server's own JWT is sent); skipped otherwise.
/// </summary>
public sealed class OpenSearchLiveConformanceTests : RetrievalBackendConformanceTests, IDisposable
{
    private const string UrlVariable = "MCPRAG_TEST_OPENSEARCH_URL";
    private const string UserVariable = "MCPRAG_TEST_OPENSEARCH_USER";
    private const string PasswordVariable = "MCPRAG_TEST_OPENSEARCH_PASSWORD";

    private static readonly string? Url = Environment.GetEnvironmentVariable(UrlVariable);
    private readonly OpenSearchTestHost _host = new();
    private readonly string _index = "mcprag-conformance-" + Guid.NewGuid().ToString("n")[..12];

    protected override IRetrievalBackend Backend
    {
        get
        {
            if (string.IsNullOrEmpty(Url))
            {
                Assert.Skip($"set {UrlVariable} (and {UserVariable}/{PasswordVariable} for basic auth) to run the conformance suite against a real OpenSearch cluster");
            }

            return _host.Backend;
        }
    }

    protected override TenantRoute RouteOf(string tenantId)
    {
        var auth = Environment.GetEnvironmentVariable(UserVariable) is { Length: > 0 }
            ? $$""", "auth": "basic", "usernameVariable": "{{UserVariable}}", "passwordVariable": "{{PasswordVariable}}" """
            : string.Empty;
        return _host.Route(tenantId, $$"""{"backend": "{{OpenSearchBackend.BackendName}}", "isolation": "document", "endpoint": "{{Url}}", "index": "{{_index}}"{{auth}}}""");
    }

    public void Dispose() => _host.Dispose();
}

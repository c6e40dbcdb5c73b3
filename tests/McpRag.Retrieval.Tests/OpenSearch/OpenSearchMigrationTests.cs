using System.Text.Json.Nodes;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>Moving a tenant from the embedded index to OpenSearch: export from Lucene, import with the stored vectors.</summary>
public sealed class OpenSearchMigrationTests : IDisposable
{
    private readonly string _dataDir = TestData.NewFolder();
    private readonly LocalIndexBackend _local;
    private readonly FakeOpenSearch _fake = new();
    private readonly OpenSearchTestHost _host = new();

    public OpenSearchMigrationTests()
    {
        _local = new LocalIndexBackend(Options.Create(new StorageOptions { DataDir = _dataDir }), Options.Create(new LocalBackendOptions()), TestData.Embeddings);
    }

    private static readonly RetrievalDocument Short = new("short", "Business hours", "We are open 9 to 5 on weekdays.")
    {
        Url = "https://kb.example/short",
        Attributes = new Dictionary<string, IReadOnlyList<string>> { ["category"] = ["faq"] },
    };

    private static readonly RetrievalDocument Long = new("long", "Long manual", string.Join(' ', Enumerable.Range(0, 120).Select(i => $"Step {i} of the procedure is described here in a sentence.")));

    [Fact]
    public async Task Read_SharedLocalIndex_ReturnsOnlyTheTenantsDocumentsAndSingleChunkVectors()
    {
        var route = new TenantRoute("tenant-c", "local", TenantIsolation.Document) { Index = "shared" };
        await _local.UpsertAsync(route, TenantPrincipal.Operator("tenant-c"), [Short, Long], null, CancellationToken.None);
        await _local.UpsertAsync(route with { TenantId = "tenant-d" }, TenantPrincipal.Operator("tenant-d"), [Short with { Text = "Closed on Sundays." }], null, CancellationToken.None);

        var exported = LocalIndexExport.Read(_local.IndexPathOf(route), "tenant-c").OrderBy(e => e.Document.Id).ToList();

        Assert.Equal(["long", "short"], exported.Select(e => e.Document.Id));
        var shortDoc = exported[1];
        Assert.Equal((Short.Title, Short.Text, Short.Url), (shortDoc.Document.Title, shortDoc.Document.Text, shortDoc.Document.Url));
        Assert.Equal(["faq"], shortDoc.Document.Attributes["category"]);
        Assert.Equal(OpenSearchTestHost.Embed(Short.Title + "\n\n" + Short.Text), shortDoc.Vector);
        Assert.Equal(Long.Text, exported[0].Document.Text);
        Assert.Null(exported[0].Vector);
    }

    [Fact]
    public async Task ImportAsync_WithStoredVector_SendsThatVectorAndEmbedsOnlyTheRest()
    {
        _fake.IndexExists("shared-cd", 384);
        _fake.Stub("POST", "/shared-cd/_search", 200, FakeOpenSearch.SearchResult());
        _fake.BulkAcceptsAll("shared-cd");
        var route = _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "shared-cd"}""");
        var stored = Enumerable.Range(0, 384).Select(i => i == 7 ? 1f : 0f).ToArray();

        var written = await _host.Backend.ImportAsync(route, TenantPrincipal.Operator("tenant-c"), [(Short, stored), (Long, null)], null, CancellationToken.None);

        Assert.Equal(2, written);
        var lines = Assert.Single(_fake.RequestsTo("POST", "/shared-cd/_bulk")).RequestMessage.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        float[] VectorOf(string line) => JsonNode.Parse(line)!["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        Assert.Equal(stored, VectorOf(lines[1]));

        // The long document: its record with the first passage's vector, then one passage document per further passage.
        var passages = new TextChunker(new ChunkingOptions()).Split(Long.Text);
        Assert.True(passages.Count > 1);
        Assert.Equal(OpenSearchTestHost.Embed(Long.Title + "\n\n" + passages[0]), VectorOf(lines[3]));
        Assert.Equal(2 + (2 * passages.Count), lines.Length);
        Assert.Equal(OpenSearchTestHost.Embed(Long.Title + "\n\n" + passages[^1]), VectorOf(lines[^1]));
    }

    [Fact]
    public async Task CountAsync_DocumentIsolation_CountsInsideTheTenantFilter()
    {
        _fake.IndexExists("shared-cd", 384);
        var result = FakeOpenSearch.SearchResult();
        result["hits"]!["total"]!["value"] = 27;
        _fake.Stub("POST", "/shared-cd/_search", 200, result);
        var route = _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "shared-cd"}""");

        var count = await _host.Backend.CountAsync(route, TenantPrincipal.Operator("tenant-c"), CancellationToken.None);

        Assert.Equal(27, count);
        var body = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", "/shared-cd/_search")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"size": 0, "track_total_hits": true, "query": {"bool": {"filter": [{"term": {"tenant_id": "tenant-c"}}, {"bool": {"must_not": [{"exists": {"field": "passage"}}]}}]}}}"""), body));
    }

    public void Dispose()
    {
        _local.Dispose();
        _host.Dispose();
        _fake.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}

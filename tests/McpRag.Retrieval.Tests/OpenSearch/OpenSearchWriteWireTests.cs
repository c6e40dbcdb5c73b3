using System.Text.Json.Nodes;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>Writes through the bulk API: NDJSON shape, index creation with the k-NN mapping, per-item failures.</summary>
public sealed class OpenSearchWriteWireTests : IDisposable
{
    private const string Index = "shared-cd";
    private readonly FakeOpenSearch _fake = new();
    private readonly OpenSearchTestHost _host = new();

    private static readonly RetrievalDocument Esim = new("esim-setup", "Activating an eSIM", "Scan the QR code in Settings.")
    {
        Url = "https://kb.example/esim-setup",
        Attributes = new Dictionary<string, IReadOnlyList<string>> { ["category"] = ["faq"] },
    };

    private static readonly RetrievalDocument Broken = new("broken-doc", "Broken", "Text.");

    private Tenancy.TenantRoute Route() =>
        _host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}"}""");

    [Fact]
    public async Task UpsertAsync_MissingIndex_IsNotProvisionedAndNeverCreatesTheIndexWithTenantCredentials()
    {
        _fake.IndexCreatedOnPut(Index, 384);

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.UpsertAsync(Route(), OpenSearchTestHost.Caller("tenant-c"), [Esim], null, CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.TenantNotProvisioned, error.Code);
        Assert.Empty(_fake.RequestsTo("PUT", $"/{Index}"));
        Assert.Empty(_fake.RequestsTo("POST", $"/{Index}/_bulk"));
        Assert.Contains(_host.Logs.Lines, l => l.Contains("never creates indexes", StringComparison.Ordinal) && l.Contains("cluster-admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpsertAsync_ProvisionedIndex_BulkIndexesTenantDocuments()
    {
        _fake.IndexExists(Index, 384);
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult());
        _fake.Stub("POST", $"/{Index}/_bulk", 200, FakeOpenSearch.BulkResult(("index", "tenant-c:esim-setup", 201, null)));

        var written = await _host.Backend.UpsertAsync(Route(), OpenSearchTestHost.Caller("tenant-c"), [Esim], null, CancellationToken.None);

        Assert.Equal(1, written);
        var lookup = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", $"/{Index}/_search")));
        Assert.Contains(lookup["query"]!["bool"]!["filter"]!.AsArray(), c => JsonNode.DeepEquals(c, JsonNode.Parse("""{"term": {"tenant_id": "tenant-c"}}""")));

        var bulk = Assert.Single(_fake.RequestsTo("POST", $"/{Index}/_bulk"));
        Assert.Equal("wait_for", bulk.RequestMessage.Query!["refresh"].Single());
        Assert.Equal("application/x-ndjson", bulk.RequestMessage.Headers!["Content-Type"].Single().Split(';')[0]);
        var ndjson = bulk.RequestMessage.Body!;
        Assert.Empty(OpenSearchSpec.BulkBody(ndjson));
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"index": {"_id": "tenant-c:esim-setup"}}"""), JsonNode.Parse(lines[0])));
        var source = JsonNode.Parse(lines[1])!.AsObject();
        Assert.Equal("tenant-c", source["tenant_id"]!.GetValue<string>());
        Assert.Equal("esim-setup", source["doc_id"]!.GetValue<string>());
        Assert.Equal("tenant-c:esim-setup", source["doc_key"]!.GetValue<string>());
        Assert.Equal(Esim.Text, source["text"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"category": ["faq"]}"""), source["attributes"]));
        Assert.Equal("all-MiniLM-L6-v2", source["embedding_model"]!.GetValue<string>());
        Assert.Equal(OpenSearchTestHost.Embed(Esim.Title + "\n\n" + Esim.Text), source["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
    }

    [Fact]
    public async Task UpsertAsync_UnchangedContentHash_SendsNoBulkAndWritesNothing()
    {
        _fake.IndexExists(Index, 384);
        var route = Route();
        var hash = OpenSearchWriter.ContentHash(OpenSearchRoute.Parse(route).Route!, new McpRag.Retrieval.Ingest.ChunkingOptions(), Esim);
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult(new JsonObject
        {
            ["_index"] = Index, ["_id"] = "tenant-c:esim-setup", ["_score"] = 0.0, ["_source"] = new JsonObject { ["content_hash"] = hash },
        }));

        var written = await _host.Backend.UpsertAsync(route, OpenSearchTestHost.Caller("tenant-c"), [Esim], null, CancellationToken.None);

        Assert.Equal(0, written);
        Assert.Empty(_fake.RequestsTo("POST", $"/{Index}/_bulk"));
    }

    [Fact]
    public async Task UpsertAsync_BulkItemFails_ReportsThatDocumentByIdAndErrorType()
    {
        _fake.IndexExists(Index, 384);
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult());
        _fake.Stub("POST", $"/{Index}/_bulk", 200, FakeOpenSearch.BulkResult(
            ("index", "tenant-c:esim-setup", 201, null),
            ("index", "tenant-c:broken-doc", 400, "mapper_parsing_exception")));
        var progress = new List<int>();

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            _host.Backend.UpsertAsync(Route(), OpenSearchTestHost.Caller("tenant-c"), [Esim, Broken], new SyncProgress(progress), CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.BackendError, error.Code);
        Assert.Equal("1 of 2 documents were not stored: broken-doc (mapper_parsing_exception)", error.Message);
        Assert.Equal([2], progress);
    }

    [Fact]
    public async Task UpsertAsync_BulkItemRejectedAs429_ResendsOnlyThatItem()
    {
        using var host = new OpenSearchTestHost(new Dictionary<string, string?> { ["McpRag:OpenSearch:BulkRetryDelay"] = "00:00:00" });
        _fake.IndexExists(Index, 384);
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult());
        _fake.StubSequence("POST", $"/{Index}/_bulk",
            FakeOpenSearch.BulkResult(("index", "tenant-c:esim-setup", 201, null), ("index", "tenant-c:broken-doc", 429, "es_rejected_execution_exception")),
            FakeOpenSearch.BulkResult(("index", "tenant-c:broken-doc", 201, null)));
        var route = host.Route("tenant-c", $$"""{"backend": "opensearch", "isolation": "document", "endpoint": "{{_fake.Url}}", "index": "{{Index}}"}""");

        var written = await host.Backend.UpsertAsync(route, OpenSearchTestHost.Caller("tenant-c"), [Esim, Broken], null, CancellationToken.None);

        Assert.Equal(2, written);
        var bulks = _fake.RequestsTo("POST", $"/{Index}/_bulk");
        Assert.Equal(2, bulks.Count);
        var resent = bulks[1].RequestMessage.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, resent.Length);
        Assert.Equal("{\"index\":{\"_id\":\"tenant-c:broken-doc\"}}", resent[0]);
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(404, false)]
    public async Task DeleteAsync_TenantDocument_SendsBulkDeleteOfTheTenantKey(int itemStatus, bool expected)
    {
        _fake.IndexExists(Index, 384);
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult());
        _fake.Stub("POST", $"/{Index}/_bulk", 200, FakeOpenSearch.BulkResult(("delete", "tenant-c:esim-setup", itemStatus, null)));

        var deleted = await _host.Backend.DeleteAsync(Route(), OpenSearchTestHost.Caller("tenant-c"), "esim-setup", CancellationToken.None);

        Assert.Equal(expected, deleted);
        var ndjson = Assert.Single(_fake.RequestsTo("POST", $"/{Index}/_bulk")).RequestMessage.Body!;
        Assert.Empty(OpenSearchSpec.BulkBody(ndjson));
        Assert.Equal("{\"delete\":{\"_id\":\"tenant-c:esim-setup\"}}\n", ndjson);
    }

    private static readonly RetrievalDocument LongManual = new("manual", "Router manual", string.Join(' ', Enumerable.Range(0, 90).Select(i => $"Step {i}: check cable number {i} and note its light.")))
    {
        Url = "https://kb.example/manual",
        Attributes = new Dictionary<string, IReadOnlyList<string>> { ["category"] = ["manual"] },
    };

    [Fact]
    public async Task UpsertAsync_LongDocument_WritesItsRecordAndOnePassageDocumentPerFurtherPassage()
    {
        _fake.IndexExists(Index, 384);
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult());
        _fake.BulkAcceptsAll(Index);
        var passages = new McpRag.Retrieval.Ingest.TextChunker(new McpRag.Retrieval.Ingest.ChunkingOptions()).Split(LongManual.Text);

        var indexed = await _host.Backend.UpsertAsync(Route(), OpenSearchTestHost.Caller("tenant-c"), [LongManual], null, CancellationToken.None);

        Assert.True(passages.Count >= 3, passages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(passages.Count, indexed);
        var ndjson = Assert.Single(_fake.RequestsTo("POST", $"/{Index}/_bulk")).RequestMessage.Body!;
        Assert.Empty(OpenSearchSpec.BulkBody(ndjson));
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(2 * passages.Count, lines.Count);
        var record = lines[1];
        Assert.Equal(LongManual.Text, record["text"]!.GetValue<string>());
        Assert.Equal(passages.Count, record["passages"]!.GetValue<int>());
        Assert.Null(record["passage"]);
        for (var n = 1; n < passages.Count; n++)
        {
            Assert.Equal($"tenant-c~{n}:manual", lines[2 * n]["index"]!["_id"]!.GetValue<string>());
            var passage = lines[(2 * n) + 1];
            Assert.Equal((n, "manual", "tenant-c", passages[n]), (passage["passage"]!.GetValue<int>(), passage["doc_id"]!.GetValue<string>(), passage["tenant_id"]!.GetValue<string>(), passage["text"]!.GetValue<string>()));
            Assert.Equal(LongManual.Url, passage["url"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"category": ["manual"]}"""), passage["attributes"]));
            Assert.Null(passage["content_hash"]);
            Assert.Equal(OpenSearchTestHost.Embed(LongManual.Title + "\n\n" + passages[n]), passage["embedding"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
        }
    }

    [Fact]
    public async Task UpsertAsync_ShorterNewVersion_DeletesThePassagesItNoLongerHas()
    {
        _fake.IndexExists(Index, 384);
        var stored = FakeOpenSearch.Hit(Index, "tenant-c", "manual", 1, "Router manual", "old");
        stored["_source"]!["content_hash"] = "an-older-version";
        stored["_source"]!["passages"] = 4;
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult(stored));
        _fake.BulkAcceptsAll(Index);

        await _host.Backend.UpsertAsync(Route(), OpenSearchTestHost.Caller("tenant-c"), [LongManual with { Text = "Now one short passage." }], null, CancellationToken.None);

        var actions = Assert.Single(_fake.RequestsTo("POST", $"/{Index}/_bulk")).RequestMessage.Body!.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!.AsObject()).Where(l => l.Count == 1).Select(l => l.First().Key + " " + l.First().Value!["_id"]).ToList();
        Assert.Equal(["index tenant-c:manual", "delete tenant-c~1:manual", "delete tenant-c~2:manual", "delete tenant-c~3:manual"], actions);
    }

    [Fact]
    public async Task DeleteAsync_DocumentWithPassages_DeletesTheRecordAndEveryPassage()
    {
        _fake.IndexExists(Index, 384);
        var stored = FakeOpenSearch.Hit(Index, "tenant-c", "manual", 1, "Router manual", "text");
        stored["_source"]!["passages"] = 3;
        _fake.Stub("POST", $"/{Index}/_search", 200, FakeOpenSearch.SearchResult(stored));
        _fake.Stub("POST", $"/{Index}/_bulk", 200, FakeOpenSearch.BulkResult(("delete", "tenant-c:manual", 200, null), ("delete", "tenant-c~1:manual", 200, null), ("delete", "tenant-c~2:manual", 200, null)));

        Assert.True(await _host.Backend.DeleteAsync(Route(), OpenSearchTestHost.Caller("tenant-c"), "manual", CancellationToken.None));

        var lookup = FakeOpenSearch.BodyOf(Assert.Single(_fake.RequestsTo("POST", $"/{Index}/_search")));
        Assert.Contains(lookup["query"]!["bool"]!["filter"]!.AsArray(), c => JsonNode.DeepEquals(c, JsonNode.Parse("""{"term": {"tenant_id": "tenant-c"}}""")));
        Assert.Equal("{\"delete\":{\"_id\":\"tenant-c:manual\"}}\n{\"delete\":{\"_id\":\"tenant-c~1:manual\"}}\n{\"delete\":{\"_id\":\"tenant-c~2:manual\"}}\n", Assert.Single(_fake.RequestsTo("POST", $"/{Index}/_bulk")).RequestMessage.Body);
    }

    [Fact]
    public void HybridPipeline_DefaultWeights_MatchesNormalizationProcessorSpec()
    {
        var body = OpenSearchQueries.HybridPipeline(0.3);

        Assert.Empty(OpenSearchSpec.SearchPipelineBody(body));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[0.3, 0.7]"), body["phase_results_processors"]![0]!["normalization-processor"]!["combination"]!["parameters"]!["weights"]));
    }

    public void Dispose()
    {
        _host.Dispose();
        _fake.Dispose();
    }

    /// <summary>Records progress synchronously (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SyncProgress(List<int> values) : IProgress<int>
    {
        public void Report(int value) => values.Add(value);
    }
}

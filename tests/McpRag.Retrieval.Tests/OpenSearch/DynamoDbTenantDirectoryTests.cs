using System.Text.Json.Nodes;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>The DynamoDB routing table against a fake DynamoDB (JSON 1.0 protocol) on loopback.</summary>
public sealed class DynamoDbTenantDirectoryTests : IDisposable
{
    private readonly FakeOpenSearch _fake = new();
    private readonly OpenSearchTestHost _host = new();
    private readonly ManualClock _clock = new();

    private DynamoDbTenantDirectory Directory() => new(
        Options.Create(new DynamoDbTenantDirectoryOptions { TableName = "mcprag-tenants", Region = "eu-central-1", ServiceUrl = new Uri(_fake.Url), CacheTtl = TimeSpan.FromMinutes(1) }),
        _host.Credentials,
        new BackendRegistry([_host.Backend]),
        _clock,
        NullLogger<DynamoDbTenantDirectory>.Instance);

    private void Item(JsonObject? item) =>
        _fake.Stub("POST", "/", 200, item is null ? new JsonObject() : new JsonObject { ["Item"] = item });

    [Fact]
    public async Task FindAsync_OriginalItemShape_ReadsGetItemAndMapsToOpenSearchRoute()
    {
        Item(new JsonObject
        {
            ["pk"] = new JsonObject { ["S"] = "tenant#tenant-c" },
            ["sk"] = new JsonObject { ["S"] = "os_config" },
            ["os_host"] = new JsonObject { ["S"] = "search-shared.eu-central-1.es.example.com" },
            ["os_index"] = new JsonObject { ["S"] = "shared-cd" },
            ["rag_role"] = new JsonObject { ["S"] = "rag_reader_c" },
            ["isolation"] = new JsonObject { ["S"] = "document" },
        });
        using var directory = Directory();

        var route = await directory.FindAsync("tenant-c", CancellationToken.None);

        var request = Assert.Single(_fake.Requests).RequestMessage;
        Assert.Equal("DynamoDB_20120810.GetItem", request.Headers!["X-Amz-Target"].Single());
        Assert.Equal("application/x-amz-json-1.0", request.Headers["Content-Type"].Single().Split(';')[0]);
        var body = JsonNode.Parse(request.Body!)!;
        Assert.Equal("mcprag-tenants", body["TableName"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"pk": {"S": "tenant#tenant-c"}, "sk": {"S": "os_config"}}"""), body["Key"]));
        var auth = SigV4Verifier.Parse(request.Headers["Authorization"].Single());
        Assert.Equal(("eu-central-1", "dynamodb"), (auth.Region, auth.Service));

        var parsed = OpenSearchRoute.Parse(route!).Route!;
        Assert.Equal((OpenSearchBackend.BackendName, TenantIsolation.Document), (route!.Backend, route.Isolation));
        Assert.Equal(new Uri("https://search-shared.eu-central-1.es.example.com"), parsed.Endpoint);
        Assert.Equal(("shared-cd", "rag_reader_c"), (parsed.Index, parsed.Role));
    }

    [Fact]
    public async Task FindAsync_WithinTtl_ServesFromCacheAndRereadsAfterExpiry()
    {
        Item(new JsonObject { ["os_host"] = new JsonObject { ["S"] = "search.example.com" }, ["os_index"] = new JsonObject { ["S"] = "kb-b" } });
        using var directory = Directory();

        await directory.FindAsync("tenant-b", CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(59));
        await directory.FindAsync("tenant-b", CancellationToken.None);
        Assert.Single(_fake.Requests);

        _clock.Advance(TimeSpan.FromSeconds(2));
        await directory.FindAsync("tenant-b", CancellationToken.None);
        Assert.Equal(2, _fake.Requests.Count);
    }

    [Fact]
    public async Task FindAsync_NoItem_ReturnsNull()
    {
        Item(null);
        using var directory = Directory();

        Assert.Null(await directory.FindAsync("tenant-z", CancellationToken.None));
    }

    [Fact]
    public async Task FindAsync_ItemWithInvalidIndex_FailsWithoutNamingIt()
    {
        Item(new JsonObject { ["os_host"] = new JsonObject { ["S"] = "search.example.com" }, ["os_index"] = new JsonObject { ["S"] = "Bad Index" } });
        using var directory = Directory();

        var error = await Assert.ThrowsAsync<RetrievalException>(() => directory.FindAsync("tenant-b", CancellationToken.None).AsTask());

        Assert.Equal(RetrievalErrorCode.BackendUnavailable, error.Code);
        Assert.DoesNotContain("Bad Index", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _host.Dispose();
        _fake.Dispose();
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

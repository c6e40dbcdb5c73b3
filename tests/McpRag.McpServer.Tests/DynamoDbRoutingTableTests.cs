using System.Security.Cryptography;
using Amazon.Runtime;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The DynamoDB routing table against a real DynamoDB API (dynalite on loopback), wired exactly as <c>serve</c> wires
/// it (<c>McpRag:Tenants:Source = dynamodb</c>): items of the original design's shape, reload after the cache TTL,
/// missing and malformed items, and the table going away while routes are cached.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DynamoDbRoutingTableTests : IAsyncLifetime
{
    private const string Table = "mcprag-tenants";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(1);

    private readonly ManualClock _clock = new();
    private DynaliteServer _dynamo = null!;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _dynamo = await DynaliteServer.StartAsync();
        await _dynamo.CreateRoutingTableAsync(Table);
        var signingKey = Path.Combine(Path.GetTempPath(), "mcprag-tests", "dynamo-" + Guid.NewGuid().ToString("n") + ".pem");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(signingKey)!);
        using (var rsa = RSA.Create(2048))
        {
            await File.WriteAllTextAsync(signingKey, rsa.ExportPkcs8PrivateKeyPem());
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["McpRag:DataDir"] = Path.GetDirectoryName(signingKey),
            ["McpRag:OpenSearch:SigningKeyFile"] = signingKey,
            [DynamoDbTenantDirectoryOptions.SourceKey] = "dynamodb",
            [$"{DynamoDbTenantDirectoryOptions.Section}:TableName"] = Table,
            [$"{DynamoDbTenantDirectoryOptions.Section}:Region"] = "eu-central-1",
            [$"{DynamoDbTenantDirectoryOptions.Section}:ServiceUrl"] = _dynamo.ServiceUrl.ToString(),
            [$"{DynamoDbTenantDirectoryOptions.Section}:CacheTtl"] = Ttl.ToString(),
        }).Build());
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton<IAwsCredentialSource>(new FixedCredentials(_dynamo.Credentials));
        services.AddMcpRagRetrieval();
        _services = services.BuildServiceProvider();
    }

    private ITenantDirectory Directory() => _services.GetRequiredService<ITenantDirectory>();

    private Task SeedAsync(string tenant, string host, string index, string role, string? isolation = null)
    {
        var item = new Dictionary<string, string> { ["pk"] = "tenant#" + tenant, ["sk"] = "os_config", ["os_host"] = host, ["os_index"] = index, ["rag_role"] = role };
        if (isolation is not null)
        {
            item["isolation"] = isolation;
        }

        return _dynamo.PutAsync(Table, item);
    }

    [Fact]
    public async Task FindAsync_SeedItemShape_MapsToOpenSearchRoute()
    {
        await SeedAsync("tenant-c", "search-shared.eu-central-1.es.example.com", "shared-cd", "rag_reader_c", isolation: "document");

        var route = await Directory().FindAsync("tenant-c", CancellationToken.None);

        Assert.IsType<DynamoDbTenantDirectory>(Directory());
        var parsed = OpenSearchRoute.Parse(route!).Route!;
        Assert.Equal((OpenSearchBackend.BackendName, TenantIsolation.Document), (route!.Backend, route.Isolation));
        Assert.Equal(new Uri("https://search-shared.eu-central-1.es.example.com"), parsed.Endpoint);
        Assert.Equal(("shared-cd", "rag_reader_c"), (parsed.Index, parsed.Role));
    }

    [Fact]
    public async Task FindAsync_ItemChangedInTable_ServesCachedRouteUntilTtlThenReloads()
    {
        await SeedAsync("tenant-b", "search.example.com", "kb-b", "rag_reader_b");
        Assert.Equal("kb-b", Index(await Directory().FindAsync("tenant-b", CancellationToken.None)));

        await SeedAsync("tenant-b", "search.example.com", "kb-b-v2", "rag_reader_b");
        _clock.Advance(Ttl - TimeSpan.FromSeconds(1));
        Assert.Equal("kb-b", Index(await Directory().FindAsync("tenant-b", CancellationToken.None)));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("kb-b-v2", Index(await Directory().FindAsync("tenant-b", CancellationToken.None)));
    }

    [Fact]
    public async Task FindAsync_NoItem_ReturnsNullUntilTheItemIsAddedAndTtlPasses()
    {
        Assert.Null(await Directory().FindAsync("tenant-new", CancellationToken.None));

        await SeedAsync("tenant-new", "search.example.com", "kb-new", "rag_reader_new");
        Assert.Null(await Directory().FindAsync("tenant-new", CancellationToken.None));
        _clock.Advance(Ttl + TimeSpan.FromSeconds(1));

        Assert.Equal("kb-new", Index(await Directory().FindAsync("tenant-new", CancellationToken.None)));
    }

    [Theory]
    [InlineData("os_index", "Bad Index")]
    [InlineData("os_host", " ")]
    [InlineData("isolation", "sideways")]
    public async Task FindAsync_MalformedItem_BackendUnavailableWithoutNamingTheValue(string attribute, string value)
    {
        var item = new Dictionary<string, string> { ["pk"] = "tenant#tenant-m", ["sk"] = "os_config", ["os_host"] = "search.example.com", ["os_index"] = "kb-m", ["rag_role"] = "rag_reader_m" };
        item[attribute] = value;
        await _dynamo.PutAsync(Table, item);

        var error = await Assert.ThrowsAsync<RetrievalException>(() => Directory().FindAsync("tenant-m", CancellationToken.None).AsTask());

        Assert.Equal(RetrievalErrorCode.BackendUnavailable, error.Code);
        Assert.DoesNotContain(value.Trim() is { Length: > 0 } shown ? shown : "search.example.com", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("search.example.com", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindAsync_TableUnreachable_CachedRoutesKeepServingAndNewTenantsAreNotProvisioned()
    {
        await SeedAsync("tenant-a", "search.example.com", "kb-a", "rag_reader_a");
        await SeedAsync("tenant-late", "search.example.com", "kb-late", "rag_reader_late");
        Assert.Equal("kb-a", Index(await Directory().FindAsync("tenant-a", CancellationToken.None)));

        await _dynamo.StopAsync();
        _clock.Advance(Ttl * 3);

        Assert.Equal("kb-a", Index(await Directory().FindAsync("tenant-a", CancellationToken.None)));
        Assert.Null(await Directory().FindAsync("tenant-late", CancellationToken.None));
    }

    private static string? Index(TenantRoute? route) => route is null ? null : OpenSearchRoute.Parse(route).Route!.Index;

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _dynamo.DisposeAsync();
    }

    private sealed class FixedCredentials(AWSCredentials credentials) : IAwsCredentialSource
    {
        public AWSCredentials GetCredentials() => credentials;
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

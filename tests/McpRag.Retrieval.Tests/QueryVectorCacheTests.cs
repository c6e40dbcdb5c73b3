using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests;

/// <summary>The local backend's query vector cache: repeated questions skip the model, and no tenant's entry answers another.</summary>
public sealed class QueryVectorCacheTests : IDisposable
{
    private const string Question = "how are refunds paid";
    private readonly string _dataDir = TestData.NewFolder();

    [Fact]
    public async Task SearchAsync_SameTenantAsksAgainAndPages_EmbedsTheQueryOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var (backend, model) = await NewBackendAsync(cacheSize: 100, ct);
        using var _ = backend;

        var first = await backend.SearchAsync(Route("tenant-a"), Caller("tenant-a"), Query(SearchMode.Hybrid, topK: 1), ct);
        var again = await backend.SearchAsync(Route("tenant-a"), Caller("tenant-a"), Query(SearchMode.Hybrid, topK: 1), ct);
        var next = await backend.SearchAsync(Route("tenant-a"), Caller("tenant-a"), Query(SearchMode.Semantic, topK: 1) with { Position = first.NextPosition }, ct);

        Assert.Equal(1, model.Queries);
        Assert.Equal(first.Hits.Select(h => (h.Id, h.Score)), again.Hits.Select(h => (h.Id, h.Score)));
        Assert.NotEmpty(next.Hits);
    }

    [Fact]
    public async Task SearchAsync_AnotherTenantAsksTheSame_EmbedsItsOwn()
    {
        var ct = TestContext.Current.CancellationToken;
        var (backend, model) = await NewBackendAsync(cacheSize: 100, ct);
        using var _ = backend;

        await backend.SearchAsync(Route("tenant-a"), Caller("tenant-a"), Query(SearchMode.Semantic), ct);
        await backend.SearchAsync(Route("tenant-b"), Caller("tenant-b"), Query(SearchMode.Semantic), ct);

        Assert.Equal(2, model.Queries);
    }

    [Fact]
    public async Task SearchAsync_CacheSizeZero_EmbedsEveryCall()
    {
        var ct = TestContext.Current.CancellationToken;
        var (backend, model) = await NewBackendAsync(cacheSize: 0, ct);
        using var _ = backend;

        await backend.SearchAsync(Route("tenant-a"), Caller("tenant-a"), Query(SearchMode.Semantic), ct);
        await backend.SearchAsync(Route("tenant-a"), Caller("tenant-a"), Query(SearchMode.Semantic), ct);

        Assert.Equal(2, model.Queries);
    }

    private async Task<(LocalIndexBackend Backend, CountingModel Model)> NewBackendAsync(int cacheSize, CancellationToken ct)
    {
        var model = new CountingModel(TestData.Embeddings);
        var options = new LocalBackendOptions { ReopenInterval = TimeSpan.Zero, QueryVectorCacheSize = cacheSize };
        var backend = new LocalIndexBackend(Options.Create(new StorageOptions { DataDir = Path.Combine(_dataDir, Guid.NewGuid().ToString("n")) }), Options.Create(options), model);
        foreach (var tenant in new[] { "tenant-a", "tenant-b" })
        {
            await backend.UpsertAsync(Route(tenant), Caller(tenant),
            [
                new RetrievalDocument("refunds", "Refunds", "Refunds are paid to the card the order was paid with."),
                new RetrievalDocument("returns", "Returns", "Items can be returned within thirty days of delivery."),
            ], null, ct);
        }

        return (backend, model);
    }

    private static SearchQuery Query(SearchMode mode, int topK = 5) => new(Question, topK, mode, RetrievalDocument.EmptyAttributes);

    private static TenantRoute Route(string tenant) => new(tenant, LocalIndexBackend.BackendName, TenantIsolation.Document) { Index = "shared" };

    private static TenantPrincipal Caller(string tenant) => TenantPrincipal.Operator(tenant);

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    /// <summary>Counts the query embeddings that reach the model.</summary>
    private sealed class CountingModel(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        private int _queries;

        public int Queries => _queries;

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (EmbeddingPurpose.IsQuery(options))
            {
                Interlocked.Increment(ref _queries);
            }

            return base.GenerateAsync(values, options, cancellationToken);
        }
    }
}

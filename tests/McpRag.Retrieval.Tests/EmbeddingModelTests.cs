using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests;

/// <summary>The configurable embedding model: chosen by configuration, validated at start-up, and pinned by each index.</summary>
public sealed class EmbeddingModelTests : IDisposable
{
    private readonly string _dataDir = TestData.NewFolder();

    [Fact]
    public async Task SearchAsync_IndexBuiltWithAnotherModel_IsRefusedNamingBothModels()
    {
        var route = new TenantRoute("t1", LocalIndexBackend.BackendName, TenantIsolation.Index);
        using (var builder = Backend(TestData.Embeddings))
        {
            await builder.UpsertAsync(route, TenantPrincipal.Operator("t1"), [new RetrievalDocument("d1", "Refunds", "Refunds take five days.")], null, TestContext.Current.CancellationToken);
        }

        using var other = Backend(new RenamedModel());
        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            other.SearchAsync(route, TenantPrincipal.Operator("t1"), new SearchQuery("refunds", 5, SearchMode.Keyword, RetrievalDocument.EmptyAttributes), TestContext.Current.CancellationToken));

        Assert.Contains("'all-MiniLM-L6-v2'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'other-model'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_dataDir, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("minilm", typeof(MiniLmEmbeddingGenerator))]
    [InlineData("arctic-xs", typeof(ArcticXsEmbeddingGenerator))]
    public void AddLocalBackend_ModelSetting_SelectsThatGenerator(string model, Type expected)
    {
        using var services = Services(new() { ["McpRag:Local:Model"] = model });

        // The model is reached through the server's embedding scheduler.
        var generator = Assert.IsType<ScheduledEmbeddingGenerator>(services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.IsType(expected, generator.GetService(expected));
    }

    [Theory]
    [InlineData("McpRag:Local:Model", "bert-large", "McpRag:Local:Model must be one of: minilm, arctic-xs")]
    [InlineData("McpRag:Local:SemanticWeight", "1.5", "McpRag:Local:SemanticWeight must be between 0 and 1")]
    public void AddLocalBackend_InvalidSetting_FailsValidationWithOneLineReason(string key, string value, string reason)
    {
        using var services = Services(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LocalBackendOptions>>().Value);

        Assert.Contains(reason, error.Failures);
    }

    [Fact]
    public async Task GenerateAsync_ArcticXsQueryPurpose_AddsTheInstructionPrefix()
    {
        using var arctic = new ArcticXsEmbeddingGenerator();
        const string text = "how long do refunds take";

        var asQuery = (await arctic.GenerateAsync([text], EmbeddingPurpose.Query(), TestContext.Current.CancellationToken))[0].Vector.ToArray();
        var asPassage = (await arctic.GenerateAsync([text], cancellationToken: TestContext.Current.CancellationToken))[0].Vector.ToArray();
        var prefixed = (await arctic.GenerateAsync([ArcticXsEmbeddingGenerator.QueryPrefix + text], cancellationToken: TestContext.Current.CancellationToken))[0].Vector.ToArray();

        Assert.Equal(prefixed, asQuery);
        Assert.True(VectorMath.Dot(asQuery, asPassage) < 0.9999f, "a query must not embed like a passage");
        Assert.Equal(ArcticXsEmbeddingGenerator.Dimensions, asQuery.Length);
    }

    private LocalIndexBackend Backend(IEmbeddingGenerator<string, Embedding<float>> embeddings) =>
        new(Options.Create(new StorageOptions { DataDir = _dataDir }), Options.Create(new LocalBackendOptions()), embeddings);

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddRetrieval().AddLocalBackend();
        return services.BuildServiceProvider();
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    /// <summary>The real model under another name: what an index built by a different model looks like to the server.</summary>
    private sealed class RenamedModel : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly EmbeddingGeneratorMetadata _metadata = new("onnx", null, "other-model", MiniLmEmbeddingGenerator.Dimensions);

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            TestData.Embeddings.GenerateAsync(values, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

        public void Dispose()
        {
        }
    }
}

using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval;

/// <summary>Registration of the retrieval services: one extension per backend, after the kernel-memory pattern.</summary>
public static class RetrievalServiceCollectionExtensions
{
    /// <summary>Routing table, backend registry and storage settings: what every backend plugs into.</summary>
    public static IServiceCollection AddRetrieval(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddOptions<TenantDirectoryOptions>().BindConfiguration(TenantDirectoryOptions.Section);
        services.AddSingleton<BackendRegistry>();
        services.AddSingleton<FileTenantDirectory>();
        services.AddSingleton<ITenantDirectory>(sp => sp.GetRequiredService<FileTenantDirectory>());
        return services;
    }

    /// <summary>The embedded Lucene + MiniLM backend (<c>backend: local</c>).</summary>
    public static IServiceCollection AddLocalBackend(this IServiceCollection services)
    {
        services.AddOptions<LocalBackendOptions>().BindConfiguration(LocalBackendOptions.Section)
            .Validate(o => o.Chunking.ChunkWords is >= 20 and <= 1_000, "McpRag:Local:Chunking:ChunkWords must be between 20 and 1000")
            .Validate(o => o.Chunking.OverlapWords >= 0 && o.Chunking.OverlapWords < o.Chunking.ChunkWords, "McpRag:Local:Chunking:OverlapWords must be at least 0 and less than ChunkWords")
            .Validate(o => o.RrfK is >= 1 and <= 1_000, "McpRag:Local:RrfK must be between 1 and 1000")
            .Validate(o => EmbeddingModels.IsKnown(o.Model), "McpRag:Local:Model must be one of: " + string.Join(", ", EmbeddingModels.Names))
            .Validate(o => Enum.IsDefined(o.Fusion), "McpRag:Local:Fusion must be Rrf or Linear")
            .Validate(o => o.SemanticWeight is >= 0 and <= 1, "McpRag:Local:SemanticWeight must be between 0 and 1")
            .Validate(o => o.Candidates is >= 10 and <= 10_000, "McpRag:Local:Candidates must be between 10 and 10000")
            .Validate(o => o.BatchDocuments is >= 1 and <= 10_000, "McpRag:Local:BatchDocuments must be between 1 and 10000")
            .ValidateOnStart();
        services.AddSingleton<MiniLmEmbeddingGenerator>();
        services.AddSingleton<ArcticXsEmbeddingGenerator>();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            sp.GetRequiredService<IOptions<LocalBackendOptions>>().Value.Model == EmbeddingModels.ArcticXs
                ? sp.GetRequiredService<ArcticXsEmbeddingGenerator>()
                : sp.GetRequiredService<MiniLmEmbeddingGenerator>());
        services.AddSingleton<LocalIndexBackend>();
        services.AddSingleton<IRetrievalBackend>(sp => sp.GetRequiredService<LocalIndexBackend>());
        return services;
    }

    /// <summary>
    /// Amazon Q index through an ISV data accessor (<c>backend: qindex</c>). The ISV's own AWS credentials come from
    /// the SDK's default chain unless an <see cref="Amazon.Runtime.AWSCredentials"/> is registered.
    /// </summary>
    public static IServiceCollection AddQIndexBackend(this IServiceCollection services)
    {
        services.AddOptions<QIndexOptions>().BindConfiguration(QIndexOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QIndexOptions>, QIndexOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<QBusinessRequestSigner>();
        services.AddSingleton(sp => new RecentResults(sp.GetRequiredService<IOptions<QIndexOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDataAccessorCredentialProvider, DataAccessorCredentialProvider>();
        services.AddHttpClient(SearchRelevantContentClient.HttpClientName);
        services.AddSingleton<ISearchRelevantContentClient, SearchRelevantContentClient>();
        services.AddSingleton<QIndexBackend>();
        services.AddSingleton<IRetrievalBackend>(sp => sp.GetRequiredService<QIndexBackend>());
        return services;
    }
}

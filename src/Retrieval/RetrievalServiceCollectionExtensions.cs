using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using McpRag.Retrieval.Throttling;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

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

    /// <summary>Per-tenant throttling, in this process or shared through Redis (<c>McpRag:Throttling</c>).</summary>
    public static IServiceCollection AddThrottling(this IServiceCollection services)
    {
        services.AddOptions<ThrottlingOptions>().BindConfiguration(ThrottlingOptions.Section)
            .Validate(o => o.Store is "local" or "redis", "McpRag:Throttling:Store must be 'local' or 'redis'")
            .Validate(o => o.Store != "redis" || !string.IsNullOrWhiteSpace(o.Redis), "McpRag:Throttling:Redis must name the Redis server when Store is 'redis'")
            .Validate(o => o.DefaultQuota.Validate() is null, "McpRag:Throttling:DefaultQuota values must all be at least 1")
            .ValidateOnStart();
        services.AddSingleton<IRateLimitStore>(sp => sp.GetRequiredService<IOptions<ThrottlingOptions>>().Value.Store == "redis"
            ? ActivatorUtilities.CreateInstance<RedisRateLimitStore>(sp)
            : new LocalRateLimitStore());
        services.AddSingleton<TenantThrottle>();
        services.AddSingleton<ITenantThrottle>(sp => sp.GetRequiredService<TenantThrottle>());
        return services;
    }

    /// <summary>The embedded Lucene + MiniLM backend (<c>backend: local</c>).</summary>
    public static IServiceCollection AddLocalBackend(this IServiceCollection services)
    {
        services.AddOptions<LocalBackendOptions>().BindConfiguration(LocalBackendOptions.Section)
            .Validate(o => o.Chunking.ChunkWords is >= 20 and <= 1_000, "McpRag:Local:Chunking:ChunkWords must be between 20 and 1000")
            .Validate(o => o.Chunking.OverlapWords >= 0 && o.Chunking.OverlapWords < o.Chunking.ChunkWords, "McpRag:Local:Chunking:OverlapWords must be at least 0 and less than ChunkWords")
            .Validate(o => o.RrfK is >= 1 and <= 1_000, "McpRag:Local:RrfK must be between 1 and 1000")
            .Validate(o => o.Candidates is >= 10 and <= 10_000, "McpRag:Local:Candidates must be between 10 and 10000")
            .Validate(o => o.BatchDocuments is >= 1 and <= 10_000, "McpRag:Local:BatchDocuments must be between 1 and 10000")
            .ValidateOnStart();
        services.AddSingleton<MiniLmEmbeddingGenerator>();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>());
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

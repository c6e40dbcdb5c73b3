using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Backends.OpenSearch;
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
            .Validate(o => o.Chunking.MaxChunkChars is >= 200 and <= 20_000, "McpRag:Local:Chunking:MaxChunkChars must be between 200 and 20000")
            .Validate(o => o.RrfK is >= 1 and <= 1_000, "McpRag:Local:RrfK must be between 1 and 1000")
            .Validate(o => EmbeddingModels.IsKnown(o.Model), "McpRag:Local:Model must be one of: " + string.Join(", ", EmbeddingModels.Names))
            .Validate(o => Enum.IsDefined(o.Fusion), "McpRag:Local:Fusion must be Rrf or Linear")
            .Validate(o => o.SemanticWeight is >= 0 and <= 1, "McpRag:Local:SemanticWeight must be between 0 and 1")
            .Validate(o => o.Candidates is >= 10 and <= 10_000, "McpRag:Local:Candidates must be between 10 and 10000")
            .Validate(o => o.BatchDocuments is >= 1 and <= 10_000, "McpRag:Local:BatchDocuments must be between 1 and 10000")
            .ValidateOnStart();
        services.AddSingleton<MiniLmEmbeddingGenerator>();
        services.AddSingleton<ArcticXsEmbeddingGenerator>();
        services.AddOptions<EmbeddingSchedulerOptions>().BindConfiguration(EmbeddingSchedulerOptions.Section)
            .Validate(o => o.MaxConcurrent is >= 2 and <= 256, "McpRag:Embedding:MaxConcurrent must be between 2 and 256")
            .Validate(o => o.MaxConcurrentWrites >= 1 && o.MaxConcurrentWrites < o.MaxConcurrent, "McpRag:Embedding:MaxConcurrentWrites must be at least 1 and less than MaxConcurrent")
            .ValidateOnStart();
        services.TryAddSingleton<EmbeddingScheduler>();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new ScheduledEmbeddingGenerator(
            sp.GetRequiredService<IOptions<LocalBackendOptions>>().Value.Model == EmbeddingModels.ArcticXs
                ? sp.GetRequiredService<ArcticXsEmbeddingGenerator>()
                : sp.GetRequiredService<MiniLmEmbeddingGenerator>(),
            sp.GetRequiredService<EmbeddingScheduler>()));
        services.AddSingleton<LocalIndexBackend>();
        services.AddSingleton<GuardedLocalBackend>();
        services.AddSingleton<IRetrievalBackend>(sp => sp.GetRequiredService<GuardedLocalBackend>());
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
        services.AddSingleton(sp => new RecentResults(sp.GetRequiredService<IOptions<QIndexOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDataAccessorCredentialProvider, DataAccessorCredentialProvider>();
        services.AddHttpClient(SearchRelevantContentClient.HttpClientName).AddQBusinessResilience().AddAwsSigning();
        services.AddSingleton<ISearchRelevantContentClient, SearchRelevantContentClient>();
        services.AddSingleton<QIndexBackend>();
        services.AddSingleton<IRetrievalBackend>(sp => sp.GetRequiredService<QIndexBackend>());
        return services;
    }

    /// <summary>
    /// Tenant indexes in OpenSearch (<c>backend: opensearch</c>): the REST client behind the standard resilience handler,
    /// the downstream token issuer, SigV4 signing and the embedding generators a route can name.
    /// </summary>
    public static IServiceCollection AddOpenSearchBackend(this IServiceCollection services)
    {
        services.AddOptions<OpenSearchOptions>().BindConfiguration(OpenSearchOptions.Section)
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.TokenLifetime <= OpenSearchOptions.MaxTokenLifetime, "McpRag:OpenSearch:TokenLifetime must be more than 0 and at most 00:05:00")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Issuer), "McpRag:OpenSearch:Issuer must not be empty")
            .Validate(o => o.SigningKeyFile is null || File.Exists(o.SigningKeyFile), "McpRag:OpenSearch:SigningKeyFile names a file that does not exist")
            .Validate(o => !string.IsNullOrWhiteSpace(o.HybridPipeline) && OpenSearchIndexNames.IsValid(o.HybridPipeline), "McpRag:OpenSearch:HybridPipeline must be 1-128 of a-z, 0-9, '-', '_' and '.'")
            .Validate(o => o.HybridKeywordWeight is > 0 and < 1, "McpRag:OpenSearch:HybridKeywordWeight must be between 0 and 1 (exclusive)")
            .Validate(o => o.RrfK is >= 1 and <= 1_000, "McpRag:OpenSearch:RrfK must be between 1 and 1000")
            .Validate(o => o.BulkDocuments is >= 1 and <= 1_000, "McpRag:OpenSearch:BulkDocuments must be between 1 and 1000")
            .Validate(o => o.BulkRetries is >= 0 and <= 10, "McpRag:OpenSearch:BulkRetries must be between 0 and 10")
            .Validate(o => o.BulkRetryDelay >= TimeSpan.Zero && o.BulkRetryDelay <= TimeSpan.FromSeconds(30), "McpRag:OpenSearch:BulkRetryDelay must be between 00:00:00 and 00:00:30")
            .ValidateOnStart();
        services.AddOptions<BedrockOptions>().BindConfiguration(BedrockOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Region), "McpRag:Bedrock:Region must not be empty")
            .Validate(o => o.Endpoint is null || o.Endpoint.Scheme == Uri.UriSchemeHttps || o.Endpoint.IsLoopback, "McpRag:Bedrock:Endpoint must be an https URL")
            .Validate(o => o.MaxConcurrency is >= 1 and <= 64, "McpRag:Bedrock:MaxConcurrency must be between 1 and 64")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        services.TryAddSingleton<MiniLmEmbeddingGenerator>();
        foreach (var name in new[] { OpenSearchHttpClient.HttpClientName, BedrockHttpClientName })
        {
            // Resilience outside, signing inside: every attempt the standard handler sends is signed anew.
            var client = services.AddHttpClient(name);
            client.AddStandardResilienceHandler();
            client.AddAwsSigning();
        }
        services.TryAddSingleton<IOpenSearchClient, OpenSearchHttpClient>();
        services.AddSingleton<DownstreamSigningKey>();
        services.AddSingleton<DownstreamTokenIssuer>();
        services.AddSingleton<OpenSearchAuthorizers>();
        services.AddSingleton(sp => new OpenSearchEmbeddings(
            sp.GetRequiredService<MiniLmEmbeddingGenerator>(),
            dimensions => new BedrockTitanEmbeddingGenerator(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(BedrockHttpClientName),
                sp.GetRequiredService<IAwsCredentialSource>(),
                sp.GetRequiredService<IOptions<BedrockOptions>>().Value,
                dimensions)));
        services.AddSingleton<OpenSearchBackend>();
        services.AddSingleton<OpenSearchProvisioner>();
        services.AddHostedService<OpenSearchStartupCheck>();
        services.AddSingleton<IRetrievalBackend>(sp => sp.GetRequiredService<OpenSearchBackend>());
        return services;
    }

    /// <summary>
    /// Lets <c>McpRag:Tenants:Source = dynamodb</c> switch the routing table to <see cref="DynamoDbTenantDirectory"/>
    /// (item shapes of the original design); the file-backed table stays the default.
    /// </summary>
    public static IServiceCollection AddDynamoDbTenantDirectory(this IServiceCollection services)
    {
        services.AddOptions<DynamoDbTenantDirectoryOptions>().BindConfiguration(DynamoDbTenantDirectoryOptions.Section)
            .Validate(o => o.CacheTtl >= TimeSpan.Zero && o.CacheTtl <= TimeSpan.FromHours(1), "McpRag:Tenants:DynamoDb:CacheTtl must be between 00:00:00 and 01:00:00")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Region), "McpRag:Tenants:DynamoDb:Region must not be empty");
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        services.AddSingleton<DynamoDbTenantDirectory>();
        services.Replace(ServiceDescriptor.Singleton<ITenantDirectory>(sp =>
        {
            var source = sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()[DynamoDbTenantDirectoryOptions.SourceKey] ?? "file";
            return source.ToLowerInvariant() switch
            {
                "file" => sp.GetRequiredService<FileTenantDirectory>(),
                "dynamodb" when !string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<DynamoDbTenantDirectoryOptions>>().Value.TableName) => sp.GetRequiredService<DynamoDbTenantDirectory>(),
                "dynamodb" => throw new OptionsValidationException(DynamoDbTenantDirectoryOptions.Section, typeof(DynamoDbTenantDirectoryOptions), ["McpRag:Tenants:DynamoDb:TableName is required when McpRag:Tenants:Source is dynamodb"]),
                _ => throw new OptionsValidationException(DynamoDbTenantDirectoryOptions.SourceKey, typeof(DynamoDbTenantDirectoryOptions), ["McpRag:Tenants:Source must be file or dynamodb"]),
            };
        }));
        return services;
    }

    /// <summary>Name of the HttpClient for Bedrock Runtime.</summary>
    public const string BedrockHttpClientName = "McpRag.Bedrock";
}

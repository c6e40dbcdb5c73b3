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
        services.AddOptions<ThrottlingOptions>().BindConfiguration(ThrottlingOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ThrottlingOptions>, ThrottlingOptionsValidator>());
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
        services.AddOptions<LocalBackendOptions>().BindConfiguration(LocalBackendOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalBackendOptions>, LocalBackendOptionsValidator>());
        services.AddSingleton<MiniLmEmbeddingGenerator>();
        services.AddSingleton<ArcticXsEmbeddingGenerator>();
        services.AddOptions<EmbeddingSchedulerOptions>().BindConfiguration(EmbeddingSchedulerOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmbeddingSchedulerOptions>, EmbeddingSchedulerOptionsValidator>());
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QIndexOptions>, QIndexOptionsValidator>());
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
        services.AddOptions<OpenSearchOptions>().BindConfiguration(OpenSearchOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenSearchOptions>, OpenSearchOptionsValidator>());
        services.AddOptions<BedrockOptions>().BindConfiguration(BedrockOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BedrockOptions>, BedrockOptionsValidator>());
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
        services.AddOptions<DynamoDbTenantDirectoryOptions>().BindConfiguration(DynamoDbTenantDirectoryOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbTenantDirectoryOptions>, DynamoDbTenantDirectoryOptionsValidator>());
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

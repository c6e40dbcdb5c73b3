using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval;

/// <summary>Registration of the OpenSearch backend, kept in its own project with its HTTP, token and embedding dependencies.</summary>
public static class OpenSearchServiceCollectionExtensions
{
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
        // Documents are cut into passages as the local backend cuts them, from the same settings.
        services.AddOptions<ChunkingOptions>().BindConfiguration(ChunkingSection);
        services.AddOptions<BedrockOptions>().BindConfiguration(BedrockOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Region), "McpRag:Bedrock:Region must not be empty")
            .Validate(o => o.Endpoint is null || o.Endpoint.Scheme == Uri.UriSchemeHttps || o.Endpoint.IsLoopback, "McpRag:Bedrock:Endpoint must be an https URL")
            .Validate(o => o.MaxConcurrency is >= 1 and <= 64, "McpRag:Bedrock:MaxConcurrency must be between 1 and 64")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        services.TryAddSingleton<MiniLmEmbeddingGenerator>();
        services.AddHttpClient(OpenSearchHttpClient.HttpClientName).AddStandardResilienceHandler();
        services.AddHttpClient(BedrockHttpClientName).AddStandardResilienceHandler();
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

    /// <summary>Where the passage size is configured: one setting for every backend that chunks.</summary>
    private const string ChunkingSection = "McpRag:Local:Chunking";

    /// <summary>Name of the HttpClient for Bedrock Runtime.</summary>
    public const string BedrockHttpClientName = "McpRag.Bedrock";
}

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
        services.AddOptions<OpenSearchOptions>().BindConfiguration(OpenSearchOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenSearchOptions>, OpenSearchOptionsValidator>());
        // Documents are cut into passages as the local backend cuts them, from the same settings.
        services.AddOptions<ChunkingOptions>().BindConfiguration(ChunkingSection);
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

    /// <summary>Where the passage size is configured: one setting for every backend that chunks.</summary>
    private const string ChunkingSection = "McpRag:Local:Chunking";

    /// <summary>Name of the HttpClient for Bedrock Runtime.</summary>
    public const string BedrockHttpClientName = "McpRag.Bedrock";
}

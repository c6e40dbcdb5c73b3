using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace McpRag.Retrieval;

/// <summary>
/// Registration of what every backend plugs into. Each backend project brings its own extension (kernel-memory
/// style): <c>AddLocalBackend</c>, <c>AddOpenSearchBackend</c>, <c>AddQIndexBackend</c>, and the DynamoDB routing
/// source <c>AddDynamoDbTenantDirectory</c>.
/// </summary>
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
}

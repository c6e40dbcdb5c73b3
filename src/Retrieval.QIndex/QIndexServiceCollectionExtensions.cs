using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval;

/// <summary>Registration of the Q index backend, kept in its own project so the STS and SSO-OIDC SDKs come only with it.</summary>
public static class QIndexServiceCollectionExtensions
{
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
}

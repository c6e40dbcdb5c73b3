using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace McpRag.Retrieval.Aws;

/// <summary>The one way an HttpClient gets SigV4 signing: the handler goes after (inside) any resilience handler added before it.</summary>
public static class AwsSigningHttpClientBuilderExtensions
{
    /// <summary>Adds <see cref="AwsSigningHandler"/> as the next inner handler, so each attempt is signed as it is sent.</summary>
    public static IHttpClientBuilder AddAwsSigning(this IHttpClientBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AwsRequestSigner>();
        builder.Services.TryAddTransient<AwsSigningHandler>();
        return builder.AddHttpMessageHandler<AwsSigningHandler>();
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Throttling;

/// <summary>Registration of per-tenant throttling, which only the server applies (to every counted call).</summary>
internal static class ThrottlingServiceCollectionExtensions
{
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
}

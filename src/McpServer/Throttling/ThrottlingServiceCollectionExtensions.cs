using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Throttling;

/// <summary>Registration of per-tenant throttling, which only the server applies (to every counted call).</summary>
public static class ThrottlingServiceCollectionExtensions
{
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
}

using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Hosting;

/// <summary>Registers the HTTP transport's origin rules and request limits (<see cref="HttpSecurityOptions"/>), validated at start-up.</summary>
internal static class HttpSecurityExtensions
{
    public static IServiceCollection AddHttpSecurity(this IServiceCollection services)
    {
        services.AddOptions<HttpSecurityOptions>().BindConfiguration(HttpSecurityOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpSecurityOptions>, HttpSecurityOptionsValidator>();
        return services;
    }
}

using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Hosting;

/// <summary>Refuses to start with HTTP limits or origin rules that cannot be applied as written.</summary>
internal sealed class HttpSecurityOptionsValidator : IValidateOptions<HttpSecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpSecurityOptions options)
    {
        var failures = new List<string>();
        foreach (var origin in options.AllowedOrigins)
        {
            if (OriginValidationMiddleware.NormalizeOrigin(origin) is null)
            {
                failures.Add($"McpRag:Http:AllowedOrigins: '{origin}' is not an origin (scheme://host[:port])");
            }
        }

        if (options.AllowedHosts.Any(h => string.IsNullOrWhiteSpace(h) || h.Contains('/', StringComparison.Ordinal)))
        {
            failures.Add("McpRag:Http:AllowedHosts must list host names (optionally with :port)");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            failures.Add("McpRag:Http:MaxRequestBodyBytes must be between 1 KiB and 64 MiB");
        }

        if (options.MaxSessionsPerTenant is < 1 or > 100_000)
        {
            failures.Add("McpRag:Http:MaxSessionsPerTenant must be between 1 and 100000");
        }

        if (options.MaxJsonDepth is < 8 or > 256)
        {
            failures.Add("McpRag:Http:MaxJsonDepth must be between 8 and 256");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

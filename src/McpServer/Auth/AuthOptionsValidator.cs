using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Auth;

/// <summary>Refuses to start with a token configuration that would accept nothing, or anything.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    private static readonly HashSet<string> Asymmetric = new(StringComparer.Ordinal)
    {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    };

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.Authority is null && options.MetadataAddress is null && options.JwksFile is null && !options.TrustDevelopmentKey)
        {
            failures.Add("no token issuer configured: set McpRag:Auth:Authority, McpRag:Auth:MetadataAddress or McpRag:Auth:JwksFile (or run with --dev for local development)");
        }

        if (options.JwksFile is not null && options.Issuers.Count == 0)
        {
            failures.Add("McpRag:Auth:JwksFile needs McpRag:Auth:Issuers to name the issuer whose keys it holds");
        }

        if (options.JwksFile is not null && !File.Exists(options.JwksFile))
        {
            failures.Add($"McpRag:Auth:JwksFile not found: {options.JwksFile}");
        }

        if (options.ResourceUrl is null)
        {
            failures.Add("McpRag:Auth:ResourceUrl must name this server's canonical MCP URL (e.g. https://rag.example.com/mcp): it is the audience tokens must carry and the resource of the metadata");
        }
        else if (!IsResourceUrl(options.ResourceUrl))
        {
            failures.Add("McpRag:Auth:ResourceUrl must be an absolute http(s) URL without query or fragment");
        }

        if (options.Audiences.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("McpRag:Auth:Audiences must not contain empty entries");
        }

        if (failures.Count == 0 && options.EffectiveAuthorizationServers().Count == 0)
        {
            failures.Add("no authorization server to name in the protected-resource metadata: set McpRag:Auth:Authority, McpRag:Auth:AuthorizationServers or McpRag:Auth:Issuers");
        }

        if (!AuthOptions.ScopeClaims.Contains(options.ScopeClaim, StringComparer.Ordinal))
        {
            failures.Add("McpRag:Auth:ScopeClaim must be 'scope' or 'scp'");
        }

        if (options.MaxTokenLifetime < TimeSpan.FromMinutes(1) || options.MaxTokenLifetime > TimeSpan.FromDays(366))
        {
            failures.Add("McpRag:Auth:MaxTokenLifetime must be between 1 minute and 366 days");
        }

        if (string.IsNullOrWhiteSpace(options.TenantClaim))
        {
            failures.Add("McpRag:Auth:TenantClaim must not be empty");
        }

        if (options.Algorithms.Count == 0 || options.Algorithms.Any(a => !Asymmetric.Contains(a)))
        {
            failures.Add($"McpRag:Auth:Algorithms must be a non-empty subset of {string.Join(", ", Asymmetric)}");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add("McpRag:Auth:ClockSkew must be between 0 and 5 minutes");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsResourceUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.Query.Length == 0 && uri.Fragment.Length == 0 && !value.Contains('#', StringComparison.Ordinal) && string.IsNullOrEmpty(uri.UserInfo);
}

namespace McpRag.McpServer.Auth;

/// <summary>
/// How caller tokens are validated and how the server describes itself to OAuth clients (<c>McpRag:Auth</c>). One
/// class decides the audience, the scope claim, the lifetime limits and the authorization servers, and the HTTP
/// transport, the stdio transport and the protected-resource metadata (RFC 9728) all read it, so they cannot disagree.
/// The server trusts exactly the issuers and keys named here; the development key is added only by <c>serve --dev</c> and <c>demo</c>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "McpRag:Auth";

    /// <summary>The scope claims an identity provider may use; exactly one is read, chosen by <see cref="ScopeClaim"/>.</summary>
    public static readonly string[] ScopeClaims = ["scope", "scp"];

    /// <summary>
    /// The canonical URL of this server's MCP endpoint (RFC 8707 resource, RFC 9728 <c>resource</c>), e.g.
    /// <c>https://rag.example.com/mcp</c>. Spec-following clients ask their authorization server for a token with this
    /// resource, so it is the audience accepted by default, compared exactly. When unset it is derived from the HTTP
    /// listen address (a concrete host and port), or in development modes it is <see cref="DevelopmentResourceUrl"/>;
    /// it is never taken from a request's <c>Host</c> header.
    /// </summary>
    public string? ResourceUrl { get; set; }

    /// <summary>Audiences accepted besides <see cref="ResourceUrl"/>, for identity providers that cannot put the URL in <c>aud</c>; none by default.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>OpenID Connect issuer URL; its discovery document supplies issuer and JWKS (cached, refreshed on unknown <c>kid</c>).</summary>
    public string? Authority { get; set; }

    /// <summary>Explicit discovery document URL, when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Whether discovery must use HTTPS; turn off only for a local identity provider.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>A JWKS file with the issuer's public keys, for deployments without discovery.</summary>
    public string? JwksFile { get; set; }

    /// <summary>Accepted <c>iss</c> values besides the one discovery names (required with <see cref="JwksFile"/>).</summary>
    public List<string> Issuers { get; set; } = [];

    /// <summary>
    /// Authorization servers named in protected-resource metadata (<c>authorization_servers</c>). Defaults to
    /// <see cref="Authority"/>, else <see cref="Issuers"/>; start-up fails when none of them names one.
    /// </summary>
    public List<string> AuthorizationServers { get; set; } = [];

    /// <summary>Claim that names the tenant; Cognito-style names such as <c>custom:tenant_id</c> work as they are. Its value must be one JSON string.</summary>
    public string TenantClaim { get; set; } = "tenant_id";

    /// <summary>
    /// The one claim scopes are read from: <c>scope</c> (RFC 9068, Cognito, Auth0, Keycloak) or <c>scp</c> (Entra ID,
    /// Okta). The other is ignored, never merged: a token cannot gain a scope through a second claim.
    /// </summary>
    public string ScopeClaim { get; set; } = "scope";

    /// <summary>
    /// Longest accepted token lifetime (<c>exp</c> − <c>iat</c>, or <c>exp</c> − now without <c>iat</c>). The default is the
    /// longest development token <c>token issue</c> makes (<see cref="DevTokenIssuer.MaxLifetime"/>); real identity providers issue far shorter ones.
    /// </summary>
    public TimeSpan MaxTokenLifetime { get; set; } = DevTokenIssuer.MaxLifetime;

    /// <summary>Allowed signature algorithms; symmetric ones are deliberately absent so a public key can never be used as an HMAC secret.</summary>
    public List<string> Algorithms { get; set; } = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>Tolerance for clocks that differ: applied to <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Set by <c>--dev</c>: also trust the local development signing key and issuer.</summary>
    public bool TrustDevelopmentKey { get; set; }

    /// <summary>The resource of development modes without a listen address (stdio, <c>token issue</c>): the default HTTP endpoint.</summary>
    public const string DevelopmentResourceUrl = "http://127.0.0.1:5000/mcp";

    /// <summary>Every audience a token may carry: the resource URL first, then the configured extras.</summary>
    public IReadOnlyList<string> ValidAudiences() =>
        [.. new[] { ResourceUrl }.Concat(Audiences).OfType<string>().Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The <c>authorization_servers</c> of the metadata: configured ones, else <see cref="Authority"/>, else the
    /// configured issuers; the development authorization server (on this server's origin) is added when the
    /// development key is trusted.
    /// </summary>
    public IReadOnlyList<string> EffectiveAuthorizationServers()
    {
        IEnumerable<string> servers = AuthorizationServers.Count > 0 ? AuthorizationServers
            : Authority is { } authority ? [authority]
            : Issuers;
        if (TrustDevelopmentKey && ResourceUrl is not null)
        {
            servers = servers.Append(DevServer.DevAuthorizationServer.IssuerFor(ResourceUrl));
        }

        return [.. servers.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Where the metadata of <see cref="ResourceUrl"/> lives (RFC 9728 §3.1: the well-known segment goes between the
    /// host and the path), or <c>null</c> before the resource is known.
    /// </summary>
    public string? ResourceMetadataUrl() =>
        Uri.TryCreate(ResourceUrl, UriKind.Absolute, out var resource)
            ? $"{resource.GetLeftPart(UriPartial.Authority)}/.well-known/oauth-protected-resource{resource.AbsolutePath.TrimEnd('/')}"
            : null;

    /// <summary>
    /// The resource URL an HTTP listen address implies (first of <c>--urls</c>, plus <c>/mcp</c>), or <c>null</c>
    /// when the address names no single host and port (wildcards, port 0): then only configuration can say it.
    /// </summary>
    public static string? ResourceUrlFromListenAddress(string? urls, string mcpPath)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null || first.Contains('*', StringComparison.Ordinal) || first.Contains("://+", StringComparison.Ordinal)
            || !Uri.TryCreate(first, UriKind.Absolute, out var uri) || uri.Port == 0
            || uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            return null;
        }

        return $"{uri.GetLeftPart(UriPartial.Authority)}{mcpPath}";
    }
}

namespace McpRag.McpServer.Auth;

/// <summary>
/// How caller tokens are validated (<c>McpRag:Auth</c>). The server trusts exactly the issuers and keys named
/// here; the development key is added only by <c>serve --dev</c> and <c>demo</c>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "McpRag:Auth";

    /// <summary>OpenID Connect issuer URL; its discovery document supplies issuer and JWKS (cached, refreshed on unknown <c>kid</c>).</summary>
    public string? Authority { get; set; }

    /// <summary>Explicit discovery document URL, when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Whether discovery must use HTTPS; turn off only for a local identity provider.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>A JWKS file with the issuer's public keys, for deployments without discovery.</summary>
    public string? JwksFile { get; set; }

    /// <summary>Accepted <c>iss</c> values (taken from discovery when <see cref="Authority"/> is set).</summary>
    public List<string> Issuers { get; set; } = [];

    /// <summary>The <c>aud</c> a token must carry: this server's identifier (RFC 8707 resource).</summary>
    public string Audience { get; set; } = "mcprag";

    /// <summary>Claim that names the tenant; Cognito-style names such as <c>custom:tenant_id</c> work as they are.</summary>
    public string TenantClaim { get; set; } = "tenant_id";

    /// <summary>Allowed signature algorithms; symmetric ones are deliberately absent so a public key can never be used as an HMAC secret.</summary>
    public List<string> Algorithms { get; set; } = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>This server's resource URL for protected-resource metadata (RFC 9728); derived from the request when unset.</summary>
    public string? ResourceUrl { get; set; }

    /// <summary>Authorization servers listed in protected-resource metadata; defaults to <see cref="Authority"/>.</summary>
    public List<string> AuthorizationServers { get; set; } = [];

    /// <summary>Set by <c>--dev</c>: also trust the local development signing key and issuer.</summary>
    public bool TrustDevelopmentKey { get; set; }
}

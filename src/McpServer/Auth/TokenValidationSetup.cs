using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Auth;

/// <summary>
/// Builds the one set of token validation rules both transports use: HTTP through JwtBearer, stdio through
/// <see cref="TokenValidator"/>. Keys come from OIDC discovery (cached, refreshed when a token names an unknown
/// <c>kid</c>), a JWKS file, and, with <c>--dev</c>, the development key.
/// </summary>
public sealed class TokenValidationSetup
{
    public TokenValidationSetup(IOptions<AuthOptions> options, DevSigningKey devKey)
    {
        var auth = options.Value;
        Options = auth;
        var metadataAddress = auth.MetadataAddress
            ?? (auth.Authority is null ? null : auth.Authority.TrimEnd('/') + "/.well-known/openid-configuration");
        if (metadataAddress is not null)
        {
            ConfigurationManager = new OnDemandConfigurationManager(
                metadataAddress,
                new HttpDocumentRetriever { RequireHttps = auth.RequireHttpsMetadata },
                TimeProvider.System)
            {
                // A token signed with a key we have not seen triggers at most one refresh per interval.
                RefreshInterval = TimeSpan.FromMinutes(5),
            };
        }

        var keys = new List<SecurityKey>();
        var issuers = new List<string>(auth.Issuers);
        if (auth.JwksFile is not null)
        {
            keys.AddRange(new JsonWebKeySet(File.ReadAllText(auth.JwksFile)).GetSigningKeys());
        }

        if (auth.TrustDevelopmentKey)
        {
            keys.Add(devKey.PublicKey);
            issuers.Add(DevSigningKey.Issuer);
            if (auth.ResourceUrl is not null)
            {
                // Tokens of the development authorization server (same key, its own issuer).
                issuers.Add(DevServer.DevAuthorizationServer.IssuerFor(auth.ResourceUrl));
            }
        }

        Parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = issuers,
            ValidateAudience = true,
            ValidAudiences = auth.ValidAudiences(),
            // Exact comparison: "https://rag.example.com/mcp/" names another resource than "https://rag.example.com/mcp".
            IgnoreTrailingSlashWhenValidatingAudience = false,
            ValidateLifetime = true,
            LifetimeValidator = new TokenLifetimeRules(auth.MaxTokenLifetime, TimeProvider.System).Validate,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeys = keys,
            ValidAlgorithms = auth.Algorithms,
            ClockSkew = auth.ClockSkew,
            ConfigurationManager = ConfigurationManager,
            NameClaimType = "sub",
            // The only keys are the ones configured here: never try every key on a token without a kid.
            TryAllIssuerSigningKeys = false,
            TypeValidator = TokenShapeRules.Validate,
        };
    }

    public AuthOptions Options { get; }

    public TokenValidationParameters Parameters { get; }

    public ConfigurationManager<OpenIdConnectConfiguration>? ConfigurationManager { get; }
}

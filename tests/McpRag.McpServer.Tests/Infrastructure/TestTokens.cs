using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpRag.McpServer.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// Makes tokens for tests: valid ones signed by the deployment's development key, and hostile ones that change one
/// thing at a time (key, algorithm, lifetime, issuer, audience, tenant claim).
/// </summary>
public sealed class TestTokens(IServiceProvider services)
{
    private readonly DevSigningKey _devKey = services.GetRequiredService<DevSigningKey>();
    private readonly AuthOptions _auth = services.GetRequiredService<IOptions<AuthOptions>>().Value;

    public string Valid(string tenant, string scope = "rag:read", string subject = "tester") =>
        Create(claims => { claims["tenant_id"] = tenant; claims["scope"] = scope; claims["sub"] = subject; });

    /// <summary>A token with the given claims (defaults: a valid read token for tenant-a), signed by <paramref name="key"/> or the dev key.</summary>
    public string Create(Action<Dictionary<string, object>> claims, Action<SecurityTokenDescriptor>? descriptor = null, SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        var values = new Dictionary<string, object>
        {
            ["sub"] = "tester",
            ["tenant_id"] = "tenant-a",
            ["scope"] = "rag:read",
        };
        claims(values);
        var token = new SecurityTokenDescriptor
        {
            Issuer = DevSigningKey.Issuer,
            Audience = _auth.ResourceUrl,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Claims = values,
            SigningCredentials = new SigningCredentials(key ?? _devKey.PrivateKey, SecurityAlgorithms.RsaSha256),
        };
        descriptor?.Invoke(token);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(token);
    }

    /// <summary>Signed with a freshly made key that the server has never seen, but naming the dev key's id.</summary>
    public string ForeignKey(string tenant = "tenant-a") =>
        Create(c => c["tenant_id"] = tenant, key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = _devKey.PrivateKey.KeyId });

    /// <summary>An unsigned token (<c>alg: none</c>) with valid claims.</summary>
    public string Unsigned(string tenant = "tenant-a")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" }));
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = DevSigningKey.Issuer, ["aud"] = _auth.ResourceUrl!, ["sub"] = "tester", ["tenant_id"] = tenant,
            ["scope"] = "rag:read", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600,
        }));
        return $"{header}.{payload}.";
    }

    /// <summary>HS256 with the dev key's public key bytes as the HMAC secret: the classic key-confusion attack.</summary>
    public string PublicKeyAsHmacSecret(string tenant = "tenant-a")
    {
        var secret = Encoding.UTF8.GetBytes(_devKey.PrivateKey.Rsa.ExportSubjectPublicKeyInfoPem());
        return Create(c => c["tenant_id"] = tenant, d => d.SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256));
    }

    public string DevKeyId => _devKey.PrivateKey.KeyId;

    public DevSigningKey DevKey => _devKey;

    /// <summary>The dev key's public half as DER SubjectPublicKeyInfo, for key-confusion attempts.</summary>
    public byte[] PublicKeyDer() => _devKey.PrivateKey.Rsa.ExportSubjectPublicKeyInfo();

    /// <summary>The stdio transport's validator with the deployment's rules (dev key trusted), built outside any host.</summary>
    public TokenValidator Validator() => new(new TokenValidationSetup(Options.Create(_auth), _devKey));

    public TenantPrincipalFactory Principals() => new(Options.Create(_auth));

    /// <summary>
    /// A token assembled from raw header and payload JSON (so it can say what no token library would write: duplicate
    /// members, <c>crit</c>, key-location headers), signed RS256 with <paramref name="key"/> or the dev key.
    /// </summary>
    public string Raw(string headerJson, string payloadJson, RSA? key = null)
    {
        var signingInput = Base64UrlEncoder.Encode(headerJson) + "." + Base64UrlEncoder.Encode(payloadJson);
        var signature = (key ?? _devKey.PrivateKey.Rsa).SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>The header of a dev-key token, with <paramref name="extra"/> members (raw JSON, leading comma included).</summary>
    public string Header(string extra = "", string? kid = null) =>
        "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + (kid ?? DevKeyId) + "\"" + extra + "}";

    /// <summary>
    /// Valid claims for a read token, with the tenant member(s) given as raw JSON (and, optionally, the scope members),
    /// and times in seconds from now (<c>iat</c> defaults to <c>nbf</c>).
    /// </summary>
    public string Payload(string tenantMembers = "\"tenant_id\":\"tenant-a\"", long notBefore = -10, long expires = 600, long? issuedAt = null, string scopeMembers = "\"scope\":\"rag:read\"")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $$"""{"iss":"{{DevSigningKey.Issuer}}","aud":"{{_auth.ResourceUrl}}","sub":"tester",{{scopeMembers}},{{tenantMembers}},"iat":{{now + (issuedAt ?? notBefore)}},"nbf":{{now + notBefore}},"exp":{{now + expires}}""" + "}";
    }

    /// <summary>The audience valid tokens carry: the deployment's canonical resource URL.</summary>
    public string Audience => _auth.ResourceUrl!;
}

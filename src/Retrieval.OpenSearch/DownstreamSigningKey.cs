using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The RSA key the server signs OpenSearch tokens with. It is the server's own key, separate from any key its callers
/// trust: read from <see cref="OpenSearchOptions.SigningKeyFile"/>, or created at first use under the data directory
/// with owner-only permissions. Its public half goes into OpenSearch's <c>jwt_auth_domain</c>.
/// </summary>
public sealed class DownstreamSigningKey(IOptions<OpenSearchOptions> options, IOptions<StorageOptions> storage)
{
    private readonly Lazy<RsaSecurityKey> _key = new(() => LoadOrCreate(options.Value.SigningKeyFile ?? Path.Combine(storage.Value.DataDirFullPath, "opensearch-signing-key.pem")));

    public RsaSecurityKey PrivateKey => _key.Value;

    /// <summary>The public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>), the form <c>signing_key</c> accepts.</summary>
    public string PublicKeyPem => _key.Value.Rsa.ExportSubjectPublicKeyInfoPem();

    public RsaSecurityKey PublicKey => new(_key.Value.Rsa.ExportParameters(false)) { KeyId = _key.Value.KeyId };

    private static RsaSecurityKey LoadOrCreate(string path)
    {
        SecretFile.CreateOnce(path, () =>
        {
            using var created = RSA.Create(2048);
            return created.ExportPkcs8PrivateKeyPem();
        });
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));

        var thumbprint = SHA256.HashData(rsa.ExportSubjectPublicKeyInfo());
        return new RsaSecurityKey(rsa) { KeyId = Convert.ToHexString(thumbprint, 0, 8).ToLowerInvariant() };
    }
}

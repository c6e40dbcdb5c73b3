using System.Security.Cryptography;
using Amazon.Runtime;
using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// The OpenSearch backend as the server wires it (<c>AddOpenSearchBackend</c>, real HttpClient with the resilience
/// handler), with a throw-away data directory and AWS credentials generated for the run.
/// </summary>
internal sealed class OpenSearchTestHost : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _dataDir = TestData.NewFolder();

    public OpenSearchTestHost(IReadOnlyDictionary<string, string?>? settings = null)
    {
        AccessKey = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        SecretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var values = new Dictionary<string, string?> { ["McpRag:DataDir"] = _dataDir, ["McpRag:OpenSearch:SigningKeyFile"] = SharedSigningKeyFile.Value };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddLogging(logging => logging.AddProvider(Logs));
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddSingleton(TestData.Embeddings);
        services.AddSingleton<IAwsCredentialSource>(new FixedCredentials(new BasicAWSCredentials(AccessKey, SecretKey)));
        services.AddOpenSearchBackend();
        _services = services.BuildServiceProvider();
    }

    /// <summary>One downstream signing key per test run (generated now, never stored in the repository): RSA generation is slow.</summary>
    private static readonly Lazy<string> SharedSigningKeyFile = new(() =>
    {
        var path = Path.Combine(TestData.NewFolder(), "opensearch-signing-key.pem");
        using var rsa = RSA.Create(2048);
        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        return path;
    });

    /// <summary>What the backend wrote to the operator's log.</summary>
    public QIndex.ListLoggerProvider Logs { get; } = new();

    public string AccessKey { get; }

    public string SecretKey { get; }

    public IAwsCredentialSource Credentials => _services.GetRequiredService<IAwsCredentialSource>();

    public OpenSearchBackend Backend => _services.GetRequiredService<OpenSearchBackend>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Parses a one-tenant routing table through the backend's own validation, as the server does.</summary>
    public TenantRoute Route(string tenantId, string routeJson) =>
        TenantTable.Parse("{\"tenants\": {\"" + tenantId + "\": " + routeJson + "}}", Backend.ValidateRoute)[tenantId];

    public static TenantPrincipal Caller(string tenantId, string subject = "user-1") =>
        new(tenantId, subject, new HashSet<string> { TenantPrincipal.ReadScope, TenantPrincipal.WriteScope }, DateTimeOffset.UtcNow.AddHours(1));

    public static SearchQuery Query(string text, SearchMode mode, int topK = 5, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null, string? position = null) =>
        new(text, topK, mode, filters ?? RetrievalDocument.EmptyAttributes) { Position = position };

    public static float[] Embed(string text) =>
        TestData.Embeddings.GenerateAsync([text]).GetAwaiter().GetResult()[0].Vector.ToArray();

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private sealed class FixedCredentials(AWSCredentials credentials) : IAwsCredentialSource
    {
        public AWSCredentials GetCredentials() => credentials;
    }
}

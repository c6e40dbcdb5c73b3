using System.Security.Cryptography;
using System.Text.Json.Nodes;
using McpRag.McpServer.Cli;
using McpRag.McpServer.Hosting;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Tests.OpenSearch;
using McpRag.Retrieval.Tests.QIndex;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// The real server with cloud routes only, against loopback fakes: OpenSearch clusters of the simulated versions
/// (one per version, shared indexes with document-level security), a tenant's own domain, and STS / IAM Identity
/// Center / Q Business for a Q index route. Keys and credentials are generated for the run.
/// </summary>
public sealed class CloudBackendDeployment : IAsyncLifetime
{
    public const string SharedIndex = "shared-cd";
    public const string VersionIndex = "docs";

    private WebApplication? _http;
    private JsonObject _tenants = [];
    private int _revision;

    private string TenantsFile => Path.Combine(DataDir, "tenants.json");

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "mcprag-tests", "cloud-" + Guid.NewGuid().ToString("n"));

    public string ConfigFile => Path.Combine(DataDir, "mcprag.json");

    internal FakeOpenSearchCluster Shared { get; private set; } = null!;

    internal FakeOpenSearchCluster Domain { get; private set; } = null!;

    /// <summary>One cluster per simulated version, each with a document-isolated tenant <c>tenant-v{version}</c>.</summary>
    internal IReadOnlyDictionary<string, FakeOpenSearchCluster> Versions { get; private set; } = null!;

    internal AwsFakeEndpoints Aws { get; private set; } = null!;

    /// <summary>Every fake OpenSearch cluster of the deployment.</summary>
    internal IEnumerable<FakeOpenSearchCluster> Clusters => Versions.Values.Append(Shared).Append(Domain);

    public TestTokens Tokens { get; private set; } = null!;

    /// <summary>
    /// The public half of the key the server signs its OpenSearch tokens with. One instance for the run: the token
    /// library caches a verifier per key, so the key must outlive every validation.
    /// </summary>
    public Microsoft.IdentityModel.Tokens.RsaSecurityKey DownstreamPublicKey { get; private set; } = null!;

    public Uri McpEndpoint { get; private set; } = null!;

    /// <summary>The simulated versions and the tenant routed to each (document isolation on a shared index).</summary>
    public static readonly IReadOnlyDictionary<string, string> VersionTenants = new Dictionary<string, string>
    {
        ["2.11.0"] = "tenant-v211", ["2.17.1"] = "tenant-v217", ["2.19.1"] = "tenant-v219", ["3.9.0"] = "tenant-v39",
    };

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        Shared = await FakeOpenSearchCluster.StartAsync("2.17.1", [SharedIndex]);
        Shared.Provision(SharedIndex);
        Shared.Provision("mcprag-tenant-b");
        Domain = await FakeOpenSearchCluster.StartAsync("2.19.1");
        Domain.Provision("kb");
        var versions = new Dictionary<string, FakeOpenSearchCluster>();
        foreach (var version in VersionTenants.Keys)
        {
            var cluster = await FakeOpenSearchCluster.StartAsync(version, [VersionIndex]);
            cluster.Provision(VersionIndex);
            cluster.Provision("own-index");
            cluster.Provision("faiss-index");
            cluster.Provision("reload-index");
            versions[version] = cluster;
        }

        Versions = versions;
        Aws = await AwsFakeEndpoints.StartAsync(TimeProvider.System);

        var tenants = new JsonObject
        {
            ["tenant-c"] = Route("document", Shared.Url, SharedIndex),
            ["tenant-d"] = Route("document", Shared.Url, SharedIndex),
            ["tenant-b"] = Route("index", Shared.Url, null),
            ["tenant-a"] = Route("domain", Domain.Url, "kb"),
            ["tenant-missing"] = Route("document", Shared.Url, "not-provisioned"),
            ["tenant-i211"] = Route("index", Versions["2.11.0"].Url, "own-index"),
            ["tenant-reload"] = Route("index", Versions["2.19.1"].Url, "reload-index"),
            ["tenant-faiss219"] = Route("index", Versions["2.19.1"].Url, "faiss-index", engine: "faiss"),
            ["tenant-q"] = new JsonObject
            {
                ["backend"] = "qindex", ["region"] = "us-east-1", ["idcRegion"] = "us-west-2",
                ["applicationId"] = "a1b2c3d4-0000-4000-8000-00000000a001", ["retrieverId"] = "r1b2c3d4-0000-4000-8000-00000000b002",
                ["dataAccessorRoleArn"] = "arn:aws:iam::111122223333:role/IsvDataAccessor",
                ["idcApplicationArn"] = "arn:aws:sso::444455556666:application/ssoins-1111222233334444/apl-5555666677778888",
                ["attributes"] = JsonNode.Parse("""{"views": {"type": "number"}, "_last_updated_at": {"type": "date"}}"""),
            },
        };
        tenants["tenant-c"]!["attributes"] = JsonNode.Parse("""{"year": {"type": "number"}, "category": {"type": "keyword"}}""");
        foreach (var (version, tenant) in VersionTenants)
        {
            tenants[tenant] = Route("document", Versions[version].Url, VersionIndex);
        }

        _tenants = tenants;
        await File.WriteAllTextAsync(TenantsFile, new JsonObject { ["tenants"] = tenants }.ToJsonString());
        var signingKey = Path.Combine(DataDir, "opensearch-signing-key.pem");
        using (var rsa = RSA.Create(2048))
        {
            await File.WriteAllTextAsync(signingKey, rsa.ExportPkcs8PrivateKeyPem());
            DownstreamPublicKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa.ExportParameters(false));
        }

        // A fixed port, so the resource URL (the audience of the test tokens) is known before the server starts.
        var urls = $"http://127.0.0.1:{RedisServer.FreePort()}";
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = DataDir,
                ["Tenants"] = new JsonObject { ["File"] = TenantsFile, ["ReloadCheckInterval"] = "00:00:00" },
                ["Auth"] = new JsonObject { ["ResourceUrl"] = urls + HttpServerHost.McpPath },
                ["OpenSearch"] = new JsonObject { ["SigningKeyFile"] = signingKey },
                ["QIndex"] = new JsonObject
                {
                    ["StsServiceUrl"] = Aws.Url, ["SsoOidcServiceUrl"] = Aws.Url, ["QBusinessServiceUrl"] = Aws.Url, ["RetryBaseDelay"] = "00:00:00",
                },
                ["Throttling"] = new JsonObject
                {
                    ["DefaultQuota"] = new JsonObject
                    {
                        ["RequestsPerMinute"] = 100_000, ["Burst"] = 100_000, ["SubjectRequestsPerMinute"] = 100_000, ["SubjectBurst"] = 100_000, ["MaxConcurrent"] = 1_000,
                    },
                },
            },
        };
        await File.WriteAllTextAsync(ConfigFile, config.ToJsonString());

        using (var cli = CliHost.Build(ConfigFile, dev: true))
        {
            Tokens = new TestTokens(cli.Services);
            _ = cli.Services.GetRequiredService<Auth.DevSigningKey>().PrivateKey;
        }

        _http = HttpServerHost.Build(new ServerSettings(urls, ConfigFile, Dev: true));
        await _http.StartAsync();
        McpEndpoint = new Uri(urls + HttpServerHost.McpPath);
    }

    /// <summary>
    /// Edits the routing table the running server reads (it checks the file on every call), as an operator would.
    /// The file's time is moved forward explicitly, so the change is seen however coarse the file system's clock is.
    /// </summary>
    public async Task EditTenantsAsync(Action<JsonObject> edit)
    {
        edit(_tenants);
        await File.WriteAllTextAsync(TenantsFile, new JsonObject { ["tenants"] = _tenants.DeepClone() }.ToJsonString());
        File.SetLastWriteTimeUtc(TenantsFile, DateTime.UtcNow.AddMinutes(++_revision));
    }

    /// <summary>
    /// The deployment's config with a routing table of <paramref name="tenant"/> alone, for a second server process:
    /// its start-up then reads no other route's cluster, so the per-route request counts other tests assert stay those
    /// of the deployment's own server, whatever order the tests run in.
    /// </summary>
    public async Task<string> SingleTenantConfigAsync(string tenant)
    {
        var folder = Path.Combine(DataDir, "only-" + tenant);
        Directory.CreateDirectory(folder);
        var tenants = Path.Combine(folder, "tenants.json");
        await File.WriteAllTextAsync(tenants, new JsonObject { ["tenants"] = new JsonObject { [tenant] = _tenants[tenant]!.DeepClone() } }.ToJsonString());
        var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile))!;
        config["McpRag"]!["Tenants"]!["File"] = tenants;
        var file = Path.Combine(folder, "mcprag.json");
        await File.WriteAllTextAsync(file, config.ToJsonString());
        return file;
    }

    internal static JsonObject Route(string isolation, string endpoint, string? index, string? engine = null)
    {
        var route = new JsonObject { ["backend"] = OpenSearchBackend.BackendName, ["isolation"] = isolation, ["endpoint"] = endpoint };
        if (index is not null)
        {
            route["index"] = index;
        }

        if (engine is not null)
        {
            route["engine"] = engine;
        }

        return route;
    }

    public async ValueTask DisposeAsync()
    {
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }

        foreach (var cluster in Versions?.Values ?? [])
        {
            await cluster.DisposeAsync();
        }

        await (Shared?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Domain?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (Aws?.DisposeAsync() ?? ValueTask.CompletedTask);
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A stdio server process may still be releasing its files; the temp folder is cleaned by the OS.
        }
    }
}

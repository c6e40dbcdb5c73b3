using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.McpServer.Cli;
using McpRag.McpServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(McpRag.McpServer.Tests.Infrastructure.SampleDeployment))]

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// One deployment for the whole test run: a fresh data folder, the sample routing table plus a write-test tenant,
/// the four sample tenants ingested through the real ingest path, and the real HTTP server on a loopback port.
/// Building the index once keeps the suite fast; tests that write use their own tenant so they cannot disturb others.
/// </summary>
public sealed class SampleDeployment : IAsyncLifetime
{
    /// <summary>A tenant with its own index that write tests may change freely.</summary>
    public const string WriteTenant = "tenant-w";

    /// <summary>A tenant whose every subject may make two calls a minute, for the third-party client runs.</summary>
    public const string ClientsTenant = "tenant-clients";
    /// <summary>A tenant with a small embedding quota (30 passages a minute, 20 per write) and the default call quota of the tests.</summary>
    public const string EmbedTenant = "tenant-embed";

    public static readonly string[] SampleTenants = ["tenant-a", "tenant-b", "tenant-c", "tenant-d"];

    /// <summary>
    /// Tenants with tiny quotas that refill once a minute, so within one test run their buckets hold exactly the
    /// burst: one per throttling test, so tests cannot drain each other's buckets.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, object> QuotaTenants = new Dictionary<string, object>
    {
        ["tenant-quota"] = new { requestsPerMinute = 1, burst = 5, subjectRequestsPerMinute = 1, subjectBurst = 100 },
        ["tenant-subject"] = new { requestsPerMinute = 1, burst = 100, subjectRequestsPerMinute = 1, subjectBurst = 2 },
        ["tenant-http"] = new { requestsPerMinute = 1, burst = 2 },
        ["tenant-unknown-tool"] = new { requestsPerMinute = 1, burst = 2 },
        ["tenant-notify"] = new { requestsPerMinute = 1, burst = 2 },
        // Each third-party client run uses its own subject, so its bucket holds exactly two calls.
        [ClientsTenant] = new { requestsPerMinute = 100_000, burst = 100_000, subjectRequestsPerMinute = 1, subjectBurst = 2 },
        [EmbedTenant] = new { embeddedChunksPerMinute = 30, maxChunksPerWrite = 20 },
    };

    public string AuditDirectory => Path.Combine(DataDir, "audit");

    /// <summary>Each sample tenant's own documentation domain, which every one of its documents links to.</summary>
    public static readonly IReadOnlyDictionary<string, string> Domains = new Dictionary<string, string>
    {
        ["tenant-a"] = "northwind-mobile.example",
        ["tenant-b"] = "contoso-clinics.example",
        ["tenant-c"] = "fabrikam-outdoor.example",
        ["tenant-d"] = "tailspin-travel.example",
    };

    /// <summary>Each sample tenant's company name, which appears only in its own documents.</summary>
    public static readonly IReadOnlyDictionary<string, string> Companies = new Dictionary<string, string>
    {
        ["tenant-a"] = "Northwind",
        ["tenant-b"] = "Contoso",
        ["tenant-c"] = "Fabrikam",
        ["tenant-d"] = "Tailspin",
    };

    private WebApplication? _http;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "mcprag-tests", "deployment-" + Guid.NewGuid().ToString("n"));

    public string ConfigFile => Path.Combine(DataDir, "mcprag.json");

    public TestTokens Tokens { get; private set; } = null!;

    public Uri McpEndpoint { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        // The sample table, minus its demo quotas (tests make many calls), plus tenants for write and quota tests.
        var tenants = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Samples, "tenants.json")))!;
        foreach (var (_, route) in tenants["tenants"]!.AsObject())
        {
            route!.AsObject().Remove("quota");
        }

        // A declared filter schema (typed filters, the tenant's own search input schema) on one sample tenant only.
        tenants["tenants"]!["tenant-c"]!["attributes"] = JsonNode.Parse("""
            {"category": {"type": "keyword", "values": ["faq", "policy", "inquiry", "manual"]}, "product": {"type": "keyword"}, "year": {"type": "number"}, "published": {"type": "date"}}
            """);
        tenants["tenants"]![WriteTenant] = new JsonObject
        {
            ["isolation"] = "index", ["index"] = WriteTenant,
            ["attributes"] = JsonNode.Parse("""{"edition": {"type": "number"}, "issued": {"type": "date"}}"""),
        };
        // Operator controls: a read-only tenant and one allowed only the search tool, both on the write tenant's index.
        tenants["tenants"]!["tenant-readonly"] = new JsonObject { ["isolation"] = "index", ["index"] = WriteTenant, ["readOnly"] = true };
        tenants["tenants"]!["tenant-allowlist"] = new JsonObject { ["isolation"] = "index", ["index"] = WriteTenant, ["tools"] = new JsonArray("search") };
        foreach (var (tenant, quota) in QuotaTenants)
        {
            tenants["tenants"]![tenant] = new JsonObject { ["isolation"] = "index", ["index"] = tenant, ["quota"] = JsonSerializer.SerializeToNode(quota) };
        }

        // A fixed port, so the resource URL (and with it the audience) is known before the server starts; the
        // configuration names it, as a deployment does, so the stdio server and the replicas accept the same tokens.
        var urls = $"http://127.0.0.1:{RedisServer.FreePort()}";
        var tenantsFile = Path.Combine(DataDir, "tenants.json");
        await File.WriteAllTextAsync(tenantsFile, tenants.ToJsonString());
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = DataDir,
                ["Tenants"] = new JsonObject { ["File"] = tenantsFile },
                ["Auth"] = new JsonObject { ["ResourceUrl"] = urls + HttpServerHost.McpPath },
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
            var ingest = cli.Services.GetRequiredService<IngestRunner>();
            foreach (var tenant in SampleTenants)
            {
                await ingest.RunAsync(tenant, [Path.Combine(RepositoryPaths.Samples, "documents", tenant)], CancellationToken.None);
            }

            Tokens = new TestTokens(cli.Services);
            _ = cli.Services.GetRequiredService<Auth.DevSigningKey>().PrivateKey;
        }

        _http = HttpServerHost.Build(new ServerSettings(urls, ConfigFile, Dev: true));
        await _http.StartAsync();
        BaseAddress = new Uri(_http.Urls.First());
        McpEndpoint = new Uri(BaseAddress, HttpServerHost.McpPath);
    }

    public async ValueTask DisposeAsync()
    {
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }

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

using System.Text.Json.Nodes;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Hosting;
using McpRag.Retrieval;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;

namespace McpRag.Benchmarks.Hosting;

/// <summary>
/// A data folder with a routing table and a configuration file, served exactly as <c>mcprag serve</c> would:
/// the same service registration, options validation, JWT checks and tools. Per-call information logs are
/// turned down to warnings, as a production deployment shipping logs elsewhere would.
/// </summary>
internal sealed class BenchDeployment
{
    private BenchDeployment(string dataDir) => DataDir = dataDir;

    public string DataDir { get; }

    public string ConfigFile => Path.Combine(DataDir, "mcprag.json");

    public string TenantsFile => Path.Combine(DataDir, "tenants.json");

    /// <summary>A tenant quota no benchmark reaches, so the figures measure the server rather than its rate limits.</summary>
    public static JsonObject UnthrottledQuota() => new()
    {
        ["requestsPerMinute"] = 1_000_000,
        ["burst"] = 1_000_000,
        ["subjectRequestsPerMinute"] = 1_000_000,
        ["subjectBurst"] = 1_000_000,
        ["maxConcurrent"] = 1_000,
    };

    /// <summary>Writes the routing table (tenant id → route object) and the configuration into <paramref name="dataDir"/>.</summary>
    public static BenchDeployment Create(string dataDir, IReadOnlyDictionary<string, JsonObject> tenants, LocalSettings settings)
    {
        Directory.CreateDirectory(dataDir);
        var deployment = new BenchDeployment(Path.GetFullPath(dataDir));
        var table = new JsonObject { ["defaults"] = new JsonObject { ["backend"] = "local" }, ["tenants"] = new JsonObject() };
        foreach (var (id, route) in tenants)
        {
            table["tenants"]![id] = route.DeepClone();
        }

        File.WriteAllText(deployment.TenantsFile, table.ToJsonString());
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = deployment.DataDir,
                ["Tenants"] = new JsonObject { ["File"] = deployment.TenantsFile },
                ["Local"] = settings.ToConfiguration(),
            },
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
        };
        File.WriteAllText(deployment.ConfigFile, config.ToJsonString());
        return deployment;
    }

    /// <summary>A deployment that <see cref="Create"/> wrote earlier (for a server in another process).</summary>
    public static BenchDeployment Open(string dataDir)
    {
        var deployment = new BenchDeployment(Path.GetFullPath(dataDir));
        return File.Exists(deployment.ConfigFile) ? deployment : throw new ArgumentException($"no benchmark deployment in {dataDir}");
    }

    /// <summary>The retrieval services alone (what <c>mcprag ingest</c> uses), bound to this deployment's configuration.</summary>
    public ServiceProvider BuildRetrieval()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(ConfigFile).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddRetrieval().AddLocalBackend();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>
    /// The real HTTP server on a free loopback port, plus the no-op tool the load test uses as its baseline. The port
    /// is chosen before the server starts, since it is part of the resource URL that tokens name as their audience.
    /// </summary>
    public async Task<WebApplication> StartHttpAsync()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var app = HttpServerHost.Build(
            new ServerSettings($"http://127.0.0.1:{port}", ConfigFile, Dev: true),
            builder => builder.Services.AddMcpServer().WithTools<NoOpTools>());
        await app.StartAsync();
        return app;
    }

    public static Uri EndpointOf(WebApplication app) => new(new Uri(app.Urls.First()), HttpServerHost.McpPath);

    /// <summary>A development token for <paramref name="tenant"/>, signed by the deployment's development key.</summary>
    public static string TokenFor(IServiceProvider services, string tenant) =>
        new DevTokenIssuer(services.GetRequiredService<DevSigningKey>(), services.GetRequiredService<IOptions<AuthOptions>>())
            .Issue(tenant, "bench", [Retrieval.Tenancy.TenantPrincipal.ReadScope], TimeSpan.FromHours(2));

    public static Task<McpClient> ConnectAsync(Uri endpoint, string token, CancellationToken cancellationToken) =>
        McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = endpoint,
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
            }),
            cancellationToken: cancellationToken);
}

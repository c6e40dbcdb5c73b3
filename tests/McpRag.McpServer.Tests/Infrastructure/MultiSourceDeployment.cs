using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.McpServer.Cli;
using McpRag.McpServer.Hosting;
using McpRag.Retrieval.Tests.QIndex;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// The real server with routes of two sources each: the tenant's local index (document isolation, one index shared by
/// both tenants) and its customer's Amazon Q index (the loopback Q Business fake with content, one retriever per
/// tenant). Tenant-m1's documents are written through the MCP tools (writes go to a route's first source).
/// </summary>
public sealed class MultiSourceDeployment : IAsyncLifetime
{
    public const string Tenant = "tenant-m1";
    public const string OtherTenant = "tenant-m2";
    public const string Retriever = "r1b2c3d4-0000-4000-8000-0000000000m1";
    public const string OtherRetriever = "r1b2c3d4-0000-4000-8000-0000000000m2";

    private WebApplication? _http;

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "mcprag-tests", "sources-" + Guid.NewGuid().ToString("n"));

    public string AuditDirectory => Path.Combine(DataDir, "audit");

    internal AwsFakeEndpoints Aws { get; private set; } = null!;

    internal FakeQIndex QIndex { get; } = new();

    public TestTokens Tokens { get; private set; } = null!;

    public Uri McpEndpoint { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        Aws = await AwsFakeEndpoints.StartAsync(TimeProvider.System);
        AnswerFromContent();
        var tenants = new JsonObject
        {
            [Tenant] = Route(Retriever),
            [OtherTenant] = Route(OtherRetriever),
        };
        var tenantsFile = Path.Combine(DataDir, "tenants.json");
        await File.WriteAllTextAsync(tenantsFile, new JsonObject { ["tenants"] = tenants }.ToJsonString());

        var urls = $"http://127.0.0.1:{RedisServer.FreePort()}";
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = DataDir,
                ["Tenants"] = new JsonObject { ["File"] = tenantsFile },
                ["Auth"] = new JsonObject { ["ResourceUrl"] = urls + HttpServerHost.McpPath },
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
        var configFile = Path.Combine(DataDir, "mcprag.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString());
        using (var cli = CliHost.Build(configFile, dev: true))
        {
            Tokens = new TestTokens(cli.Services);
            _ = cli.Services.GetRequiredService<Auth.DevSigningKey>().PrivateKey;
        }

        // The ISV's own AWS credentials, generated for the run (the stdio tests pass them in the environment).
        var isv = new BasicAWSCredentials("AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));
        _http = HttpServerHost.Build(new ServerSettings(urls, configFile, Dev: true), builder =>
            builder.Services.AddSingleton<IDataAccessorCredentialProvider>(sp => new DataAccessorCredentialProvider(
                sp.GetRequiredService<IOptions<QIndexOptions>>(), TimeProvider.System, sp.GetRequiredService<ILogger<DataAccessorCredentialProvider>>(), isv)));
        await _http.StartAsync();
        McpEndpoint = new Uri(urls + HttpServerHost.McpPath);
    }

    /// <summary>Q Business answers from <see cref="QIndex"/>'s content again (after a test made it fail).</summary>
    public void AnswerFromContent() => Aws.QBusiness = QIndex.Answer;

    /// <summary>A route of the tenant's local index (shared, document isolation) and its own Q index retriever.</summary>
    private static JsonObject Route(string retriever) => new()
    {
        ["sources"] = new JsonArray(
            new JsonObject { ["name"] = "docs", ["backend"] = "local", ["isolation"] = "document", ["index"] = "mixed" },
            new JsonObject
            {
                ["name"] = "q", ["backend"] = "qindex", ["region"] = "us-east-1", ["idcRegion"] = "us-west-2",
                ["applicationId"] = "a1b2c3d4-0000-4000-8000-00000000a001", ["retrieverId"] = retriever,
                ["dataAccessorRoleArn"] = "arn:aws:iam::111122223333:role/IsvDataAccessor",
                ["idcApplicationArn"] = "arn:aws:sso::444455556666:application/ssoins-1111222233334444/apl-5555666677778888",
            }),
    };

    public async ValueTask DisposeAsync()
    {
        if (_http is not null)
        {
            await _http.DisposeAsync();
        }

        await (Aws?.DisposeAsync() ?? ValueTask.CompletedTask);
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is cleaned by the OS.
        }
    }
}

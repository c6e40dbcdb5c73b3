using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Every operator verb accepts every routing table <c>serve</c> accepts: one table holding a local, an OpenSearch and
/// a Q index route, run through the real <c>mcprag</c> program.
/// </summary>
[Trait("Category", "Slow")]
public sealed class RoutingTableVerbsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mcprag-tests", "verbs-" + Guid.NewGuid().ToString("n"));

    public RoutingTableVerbsTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "docs"));
        File.WriteAllText(Path.Combine(_dir, "docs", "trail-map.md"), "---\ntitle: Trail map\n---\nThe ridge trail starts at the north car park.\n");
        var tenants = new JsonObject
        {
            ["tenants"] = new JsonObject
            {
                ["tenant-l"] = new JsonObject { ["isolation"] = "index", ["index"] = "tenant-l" },
                // A loopback port nothing listens on: verbs that reach the cluster fail there, not on the table.
                ["tenant-o"] = new JsonObject { ["backend"] = "opensearch", ["isolation"] = "index", ["endpoint"] = $"http://127.0.0.1:{RedisServer.FreePort()}" },
                ["tenant-q"] = new JsonObject
                {
                    ["backend"] = "qindex",
                    ["region"] = "us-east-1",
                    ["applicationId"] = "a1b2c3d4-0000-4000-8000-00000000a001",
                    ["retrieverId"] = "r1b2c3d4-0000-4000-8000-00000000b002",
                    ["dataAccessorRoleArn"] = "arn:aws:iam::111122223333:role/McpRagDataAccessor",
                    ["idcApplicationArn"] = "arn:aws:sso::444455556666:application/ssoins-1111222233334444/apl-5555666677778888",
                    ["idcRegion"] = "us-east-1",
                    ["externalId"] = "acme",
                },
            },
        };
        File.WriteAllText(TenantsFile, tenants.ToJsonString());
        File.WriteAllText(ConfigFile, new JsonObject
        {
            ["McpRag"] = new JsonObject { ["DataDir"] = Path.Combine(_dir, "data"), ["Tenants"] = new JsonObject { ["File"] = TenantsFile } },
        }.ToJsonString());
    }

    private string TenantsFile => Path.Combine(_dir, "tenants.json");

    private string ConfigFile => Path.Combine(_dir, "mcprag.json");

    [Fact]
    public async Task Ingest_TableWithEveryBackend_IndexesTheLocalTenant()
    {
        var (exit, stderr) = await RunAsync("ingest", "--tenant", "tenant-l", "--config", ConfigFile, Path.Combine(_dir, "docs"));

        Assert.True(exit == 0, stderr);
        Assert.Contains("1 documents", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenSearchProvision_TableWithEveryBackend_WritesTheOpenSearchFiles()
    {
        var output = Path.Combine(_dir, "provision");

        var (exit, stderr) = await RunAsync("opensearch", "provision", "--tenants", TenantsFile, "--out", output, "--config", ConfigFile);

        Assert.True(exit == 0, stderr);
        Assert.NotEmpty(Directory.GetFiles(output, "roles.yml", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Migrate_TableWithEveryBackend_ReachesTheCluster()
    {
        Assert.Equal(0, (await RunAsync("ingest", "--tenant", "tenant-l", "--config", ConfigFile, Path.Combine(_dir, "docs"))).Exit);
        var target = Path.Combine(_dir, "target.json");
        var table = JsonNode.Parse(await File.ReadAllTextAsync(TenantsFile, TestContext.Current.CancellationToken))!;
        table["tenants"]!["tenant-l"] = table["tenants"]!["tenant-o"]!.DeepClone();
        await File.WriteAllTextAsync(target, table.ToJsonString(), TestContext.Current.CancellationToken);

        var (exit, stderr) = await RunAsync("migrate", "--tenant", "tenant-l", "--to", target, "--config", ConfigFile);

        // The table loads; the copy then fails only because no cluster listens on the route's endpoint.
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("is not one of", stderr, StringComparison.Ordinal);
        Assert.Contains("tenant-l", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Exit, string Stderr)> RunAsync(params string[] arguments)
    {
        var outcome = await McpRagCli.RunAsync(_dir, null, arguments);
        return (outcome.ExitCode, outcome.Stderr);
    }
}

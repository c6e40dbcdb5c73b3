using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// <c>mcprag index check</c> and a damaged segment in a running deployment: two tenants on their own indexes and two
/// sharing one; one own index and the shared one get a segment file cut in half (what a failing disk or a copy that
/// stopped part way leaves). The check names them damaged with exit 1 and the healthy one ok with exit 0; the server
/// answers the three tenants on damaged indexes with backend_unavailable and keeps serving the fourth.
/// </summary>
[Trait("Category", "Slow")]
public sealed class IndexCheckTests(SampleDeployment deployment) : IDisposable
{
    private static readonly string[] Tenants = ["check-a", "check-b", "check-c", "check-d"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "check-" + Guid.NewGuid().ToString("n"));

    private string DataDir => Path.Combine(_root, "data");

    private string ConfigFile => Path.Combine(_root, "mcprag.json");

    [Fact]
    public async Task IndexCheck_HealthyAndDamagedIndexes_VerdictLineAndExitCode()
    {
        await DeployAsync();
        var healthy = McpRagCli.Ok(await Cli("index", "check", "--tenant", "check-a", "--config", ConfigFile));
        Assert.Equal("ok: tenant check-a, index index: 3 documents, 3 chunks in 1 segments, model all-MiniLM-L6-v2 (384 dimensions), Lucene CheckIndex clean", healthy.Stdout.Trim());

        Damage(Path.Combine(DataDir, "indexes", "kb-check-a"));
        var damaged = await Cli("index", "check", "--tenant", "check-a", "--config", ConfigFile);
        var other = await Cli("index", "check", "--tenant", "check-b", "--config", ConfigFile);

        Assert.Equal(1, damaged.ExitCode);
        Assert.StartsWith("damaged: tenant check-a, index index: Lucene CheckIndex", damaged.Stdout, StringComparison.Ordinal);
        Assert.Single(damaged.Stdout.Trim().Split('\n'));
        Assert.Equal(0, other.ExitCode);
        Assert.StartsWith("ok: tenant check-b", other.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IndexCheck_ConfiguredModelDiffersFromRecorded_Damaged()
    {
        await DeployAsync();
        var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile, TestContext.Current.CancellationToken))!.AsObject();
        config["McpRag"]!["Local"] = new JsonObject { ["Model"] = "arctic-xs" };
        var otherModel = Path.Combine(_root, "arctic.json");
        await File.WriteAllTextAsync(otherModel, config.ToJsonString(), TestContext.Current.CancellationToken);

        var outcome = await Cli("index", "check", "--tenant", "check-b", "--config", otherModel);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("built with embedding model 'all-MiniLM-L6-v2' but this server uses 'snowflake-arctic-embed-xs'", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_DamagedSegment_OnlyRoutesOnThatIndexAreUnavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        await DeployAsync();
        Damage(Path.Combine(DataDir, "indexes", "kb-check-a"));
        Damage(Path.Combine(DataDir, "shared", "check-shared"));
        Assert.Equal(1, (await Cli("index", "check", "--tenant", "check-d", "--config", ConfigFile)).ExitCode);

        var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigFile, ct))!.AsObject();
        config["McpRag"]!["Audit"] = new JsonObject { ["Directory"] = "" };
        // Replicas of one deployment share its resource URL, which the test tokens name as their audience.
        config["McpRag"]!["Auth"] = new JsonObject { ["ResourceUrl"] = deployment.Tokens.Audience };
        await using var server = await ServerProcess.StartAsync(Path.Combine(_root, "serve.json"), config);
        var outcomes = new Dictionary<string, string>();
        foreach (var tenant in Tenants.Concat(["check-b"]))
        {
            await using var client = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid(tenant));
            var search = await client.CallAsync("search", new() { ["query"] = "warranty" });
            var id = search.IsError == true || search.Hits().Count == 0 ? "doc-1" : search.Hits()[0].GetProperty("id").GetString()!;
            var fetch = await client.CallAsync("fetch", new() { ["id"] = id });
            outcomes[tenant] = search.IsError == true
                ? $"{search.ErrorCode()}/{fetch.ErrorCode()}: {search.Text()}"
                : $"ok {search.Hits().Count}/{fetch.IsError != true && fetch.Ok().GetProperty("id").GetString() == id}: {fetch.Text()}";
        }

        Assert.True(outcomes["check-b"].StartsWith("ok 3/True", StringComparison.Ordinal), string.Join("\n", outcomes));
        foreach (var tenant in new[] { "check-a", "check-c", "check-d" })
        {
            Assert.True(outcomes[tenant].StartsWith("backend_unavailable/backend_unavailable: backend_unavailable: the tenant's index is damaged", StringComparison.Ordinal), outcomes[tenant] + "\n" + string.Join("\n", server.StandardError.Take(60)));
            Assert.DoesNotContain(_root, outcomes[tenant], StringComparison.Ordinal);
        }

        using var http = new HttpClient();
        Assert.True((await http.GetAsync(new Uri(server.BaseAddress, "/readyz"), ct)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task IndexRepair_DamagedSegment_ConsistentIndexThenRestoredFromExport()
    {
        await DeployAsync();
        var more = Path.Combine(_root, "more-check-a");
        Directory.CreateDirectory(more);
        for (var i = 4; i <= 6; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(more, $"doc-{i}.md"), $"# check-a article {i}\n\nThe warranty of check-a covers device {i} for two years.\n", TestContext.Current.CancellationToken);
        }

        McpRagCli.Ok(await Cli("ingest", "--tenant", "check-a", "--config", ConfigFile, more));
        McpRagCli.Ok(await Cli("export", "--tenant", "check-a", "--out", Path.Combine(_root, "backup.jsonl"), "--config", ConfigFile));
        var index = Path.Combine(DataDir, "indexes", "kb-check-a");
        Damage(index, "_1.cfs");

        var partial = await Cli("index", "repair", "--tenant", "check-a", "--config", ConfigFile);
        var checkedPartial = McpRagCli.Ok(await Cli("index", "check", "--tenant", "check-a", "--config", ConfigFile));
        var restored = await Cli("index", "repair", "--tenant", "check-a", "--from", Path.Combine(_root, "backup.jsonl"), "--config", ConfigFile);
        var checkedRestored = McpRagCli.Ok(await Cli("index", "check", "--tenant", "check-a", "--config", ConfigFile));

        Assert.Equal(1, partial.ExitCode);
        Assert.StartsWith("repaired with losses: tenant check-a: dropped 1 damaged segments (3 chunks)", partial.Stdout, StringComparison.Ordinal);
        Assert.Contains("restore them with --from an export file", partial.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("ok: tenant check-a, index index: 3 documents", checkedPartial.Stdout, StringComparison.Ordinal);
        Assert.True(restored.ExitCode == 0, restored.Stdout + restored.Stderr);
        Assert.Equal("repaired: tenant check-a: dropped 0 damaged segments (0 chunks), rebuilt 0 documents from stored text, restored 3 from the export; nothing lost", restored.Stdout.Trim());
        Assert.StartsWith("ok: tenant check-a, index index: 6 documents", checkedRestored.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("ok: tenant check-b", McpRagCli.Ok(await Cli("index", "check", "--tenant", "check-b", "--config", ConfigFile)).Stdout, StringComparison.Ordinal);
    }

    /// <summary>Cuts a segment file of an index (by default its largest) to half its length.</summary>
    private static void Damage(string indexPath, string? file = null)
    {
        var victim = new DirectoryInfo(indexPath).GetFiles()
            .Where(f => file is null ? !f.Name.StartsWith("segments", StringComparison.Ordinal) && f.Name != "write.lock" : f.Name == file)
            .OrderByDescending(f => f.Length)
            .First();
        using var stream = new FileStream(victim.FullName, FileMode.Open, FileAccess.Write);
        stream.SetLength(victim.Length / 2);
    }

    private async Task DeployAsync()
    {
        Directory.CreateDirectory(DataDir);
        File.Copy(Path.Combine(deployment.DataDir, "dev-signing-key.json"), Path.Combine(DataDir, "dev-signing-key.json"));
        var tenants = new JsonObject
        {
            ["defaults"] = new JsonObject { ["backend"] = "local" },
            ["tenants"] = new JsonObject
            {
                ["check-a"] = new JsonObject { ["isolation"] = "index", ["index"] = "kb-check-a" },
                ["check-b"] = new JsonObject { ["isolation"] = "index", ["index"] = "kb-check-b" },
                ["check-c"] = new JsonObject { ["isolation"] = "document", ["index"] = "check-shared" },
                ["check-d"] = new JsonObject { ["isolation"] = "document", ["index"] = "check-shared" },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(_root, "tenants.json"), tenants.ToJsonString());
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = DataDir,
                ["Tenants"] = new JsonObject { ["File"] = Path.Combine(_root, "tenants.json") },
            },
        };
        await File.WriteAllTextAsync(ConfigFile, config.ToJsonString());
        foreach (var tenant in Tenants)
        {
            var folder = Path.Combine(_root, "corpus-" + tenant);
            Directory.CreateDirectory(folder);
            for (var i = 1; i <= 3; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"doc-{i}.md"), $"# {tenant} article {i}\n\nThe warranty of {tenant} covers device {i} for two years.\n", TestContext.Current.CancellationToken);
            }

            McpRagCli.Ok(await Cli("ingest", "--tenant", tenant, "--config", ConfigFile, folder));
        }
    }

    private Task<McpRagCli.Outcome> Cli(params string[] arguments) => McpRagCli.RunAsync(_root, null, arguments);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests.Distribution;

/// <summary>
/// The packed McpRag package, installed or run by <c>dnx</c> outside the source tree, driven by the real MCP client:
/// proves that the tool's embedded model, native libraries, shipped routing table and samples work from the package,
/// and that state goes to the per-user data directory. Runs when <c>.ci/run</c> provides the tool; skips otherwise.
/// </summary>
[Trait("Category", "InstalledTool")]
public sealed partial class InstalledToolTests
{
    private const string Document = """
        ---
        title: Storm lantern warranty
        url: https://support.fabrikam-outdoor.example/kb/storm-lantern-warranty
        ---

        # Storm lantern warranty

        Every Fabrikam storm lantern carries a five-year warranty against corrosion of the brass hood.
        """;

    public static TheoryData<string> Launchers() => new("installed", "dnx");

    [Theory]
    [MemberData(nameof(Launchers))]
    public async Task ServeStdio_FromThePackage_SearchesOnlyTheCallersTenant(string launcher)
    {
        using var tool = InstalledTool.Create(launcher);
        var tenantC = await IssueTokenAsync(tool, "tenant-c");
        var tenantD = await IssueTokenAsync(tool, "tenant-d");
        // State goes to the per-user data directory, never to the working directory.
        Assert.True(File.Exists(Path.Combine(tool.DataHome, "mcprag", "dev-signing-key.json")));
        Assert.Empty(Directory.GetFileSystemEntries(tool.WorkingDirectory));

        var file = Path.Combine(tool.WorkingDirectory, "storm-lantern-warranty.md");
        await File.WriteAllTextAsync(file, Document, TestContext.Current.CancellationToken);
        var ingest = await tool.RunAsync("ingest", "--tenant", "tenant-c", file);
        Assert.True(ingest.ExitCode == 0, ingest.Error);

        await using (var client = await tool.StdioClientAsync(tenantC, "serve", "--transport", "stdio", "--dev"))
        {
            // A read token (token issue's default scope) lists the read tools only.
            var tools = await client.ToolsAsync();
            Assert.Equal(["fetch", "search"], tools.Select(t => t.Name).Order());
            var hits = (await client.CallAsync("search", new() { ["query"] = "storm lantern warranty" })).Hits();
            Assert.Equal("storm-lantern-warranty", hits[0].GetProperty("id").GetString());
            var document = (await client.CallAsync("fetch", new() { ["id"] = "storm-lantern-warranty" })).Ok();
            Assert.Contains("five-year warranty", document.GetProperty("text").GetString()!, StringComparison.Ordinal);
        }

        // tenant-d shares tenant-c's index in the shipped routing table (document isolation) and must not see it.
        await using (var client = await tool.StdioClientAsync(tenantD, "serve", "--transport", "stdio", "--dev"))
        {
            var hits = (await client.CallAsync("search", new() { ["query"] = "storm lantern warranty" })).Hits();
            Assert.DoesNotContain(hits, h => h.GetProperty("id").GetString() == "storm-lantern-warranty");
            Assert.Equal("not_found", (await client.CallAsync("fetch", new() { ["id"] = "storm-lantern-warranty" })).ErrorCode());
        }
    }

    [Fact]
    public async Task Demo_FromTheInstalledTool_ServesTheBundledSamplesOverHttp()
    {
        using var tool = InstalledTool.Create("installed");
        var endpoint = new Uri($"http://127.0.0.1:{RedisServer.FreePort()}/mcp");
        using var demo = tool.Start("demo", "--urls", endpoint.GetLeftPart(UriPartial.Authority));
        try
        {
            var tokens = new Dictionary<string, string>();
            while (await demo.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line && !line.StartsWith("MCP endpoint:", StringComparison.Ordinal))
            {
                if (TokenLine().Match(line) is { Success: true } match)
                {
                    tokens[match.Groups[1].Value] = match.Groups[2].Value;
                }
            }

            Assert.Equal(SampleDeployment.SampleTenants, tokens.Keys.Order(StringComparer.Ordinal));
            await WaitUntilReadyAsync(new Uri(endpoint, "/readyz"), demo);
            foreach (var tenant in new[] { "tenant-c", "tenant-d" })
            {
                await using var client = await McpClients.HttpAsync(endpoint, tokens[tenant]);
                var hits = (await client.CallAsync("search", new() { ["query"] = "refund policy" })).Hits();
                Assert.NotEmpty(hits);
                Assert.All(hits, h => Assert.EndsWith("." + SampleDeployment.Domains[tenant], new Uri(h.GetProperty("url").GetString()!).Host, StringComparison.Ordinal));
            }
        }
        finally
        {
            await ProcessExit.KillAsync(demo, "installed mcprag demo");
        }
    }

    [Fact]
    public void InstalledPackage_ServerJson_IsValidAndMatchesThePackageVersion()
    {
        using var tool = InstalledTool.Create("installed");
        var store = Path.Combine(Path.GetDirectoryName(Environment.GetEnvironmentVariable(InstalledTool.InstalledToolVariable))!, ".store");
        var serverJson = Assert.Single(Directory.GetFiles(store, "server.json", SearchOption.AllDirectories), f => Path.GetFileName(Path.GetDirectoryName(f)) == ".mcp");
        var nuspec = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Path.GetDirectoryName(serverJson))!, "*.nuspec"));

        var document = JsonNode.Parse(File.ReadAllText(serverJson));
        var version = System.Xml.Linq.XDocument.Load(nuspec).Descendants().Single(e => e.Name.LocalName == "version").Value;

        Assert.Empty(ServerJsonSchema.Validate(document));
        Assert.Equal(version, document!["version"]!.GetValue<string>());
        Assert.Equal(version, document["packages"]![0]!["version"]!.GetValue<string>());
    }

    private static async Task<string> IssueTokenAsync(InstalledTool tool, string tenant)
    {
        var (exitCode, output, error) = await tool.RunAsync("token", "issue", "--tenant", tenant, "--subject", $"ci@{tenant}.example");
        Assert.True(exitCode == 0, error);
        var token = output.Trim();
        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", token);
        return token;
    }

    private static async Task WaitUntilReadyAsync(Uri readiness, Process server)
    {
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 600 && !server.HasExited; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(readiness, TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail("the demo server did not become ready: " + (server.HasExited ? await server.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken) : "still starting"));
    }

    [GeneratedRegex(@"^\s+(tenant-[a-z]): (\S+)$")]
    private static partial Regex TokenLine();
}

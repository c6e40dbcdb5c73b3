using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The README's "run it" command, as a newcomer runs it: <c>mcprag demo</c> ingests the samples, prints a token per
/// tenant and serves HTTP; a real MCP client then searches with a printed token and sees only that tenant's data.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class DemoTests
{
    [Fact]
    public async Task Demo_FromTheRepositoryRoot_PrintsWorkingTokensAndServesTheSamples()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mcprag-tests", "demo-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dataDir);
        var config = Path.Combine(dataDir, "config.json");
        await File.WriteAllTextAsync(config, new JsonObject { ["McpRag"] = new JsonObject { ["DataDir"] = dataDir } }.ToJsonString(), TestContext.Current.CancellationToken);
        var urls = $"http://127.0.0.1:{RedisServer.FreePort()}";
        var stdout = new ConcurrentQueue<string>();
        using var demo = Process.Start(new ProcessStartInfo("dotnet", [RepositoryPaths.ServerDll, "demo", "--urls", urls, "--config", config])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        demo.OutputDataReceived += (_, e) => { if (e.Data is not null) { stdout.Enqueue(e.Data); } };
        demo.ErrorDataReceived += (_, _) => { };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        try
        {
            var tokens = await WaitForTokensAsync(stdout, demo);
            Assert.Equal(["tenant-a", "tenant-b", "tenant-c", "tenant-d"], tokens.Keys.Order());
            Assert.Contains(stdout, line => line.Contains($"MCP endpoint: {urls}/mcp", StringComparison.Ordinal));

            await using var client = await McpClients.HttpAsync(new Uri(urls + "/mcp"), tokens["tenant-c"]);
            var hits = (await client.CallAsync("search", new() { ["query"] = "refund policy" })).Hits();
            Assert.Equal("refund-policy", hits[0].GetProperty("id").GetString());
            Assert.All(hits, h => Assert.EndsWith(".fabrikam-outdoor.example", new Uri(h.GetProperty("url").GetString()!).Host, StringComparison.Ordinal));
        }
        finally
        {
            await ProcessExit.KillAsync(demo, "mcprag demo");
        }
    }

    private static async Task<Dictionary<string, string>> WaitForTokensAsync(ConcurrentQueue<string> stdout, Process demo)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline && !demo.HasExited)
        {
            // The endpoint line is printed after the tokens and just before the server starts listening.
            if (stdout.Any(l => l.StartsWith("MCP endpoint:", StringComparison.Ordinal)))
            {
                var tokens = stdout.Select(l => TokenLine().Match(l)).Where(m => m.Success).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
                using var http = new HttpClient();
                var url = stdout.First(l => l.StartsWith("MCP endpoint:", StringComparison.Ordinal))["MCP endpoint:".Length..].Trim();
                try
                {
                    using var ready = await http.GetAsync(url.Replace("/mcp", "/readyz", StringComparison.Ordinal));
                    if (ready.IsSuccessStatusCode)
                    {
                        return tokens;
                    }
                }
                catch (HttpRequestException)
                {
                }
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException("demo did not start serving; output:\n" + string.Join("\n", stdout));
    }

    [GeneratedRegex(@"^\s+(tenant-[a-z]): (ey[\w-]+\.[\w-]+\.[\w-]+)$")]
    private static partial Regex TokenLine();
}

using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests.Clients;

/// <summary>
/// <c>mcprag demo</c> as a person connects an OAuth-capable client to it, with nothing pasted: the official TypeScript
/// SDK client meets the first 401, finds the demo's own development authorization server through the metadata,
/// registers, and sends the person to the sign-in page, which headless Chromium (Debian's <c>chromium</c>, driven by
/// <c>playwright-core</c>) fills in: tenant-c, the offered scopes, Allow. The client then searches as tenant-c.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DemoBrowserFlowTests
{
    private const string Tenant = "tenant-c";

    [Fact]
    public async Task Demo_SignInPageInBrowser_ClientConnectsThroughOAuthAndSearchesAsPickedTenant()
    {
        var chromium = Environment.GetEnvironmentVariable("MCPRAG_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Assert.Skip($"Chromium is needed to sign in through the demo's page (apt-get install chromium, or set MCPRAG_TEST_CHROMIUM); not found at {chromium}");
        }

        var dataDir = Path.Combine(Path.GetTempPath(), "mcprag-tests", "demo-oauth-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dataDir);
        var config = Path.Combine(dataDir, "config.json");
        await File.WriteAllTextAsync(config, new JsonObject { ["McpRag"] = new JsonObject { ["DataDir"] = dataDir } }.ToJsonString(), TestContext.Current.CancellationToken);
        var origin = $"http://127.0.0.1:{RedisServer.FreePort()}";
        var mcpUrl = origin + "/mcp";
        using var demo = Process.Start(new ProcessStartInfo("dotnet", [RepositoryPaths.ServerDll, "demo", "--urls", origin, "--config", config])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        demo.OutputDataReceived += (_, _) => { };
        demo.ErrorDataReceived += (_, _) => { };
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        try
        {
            await WaitUntilReadyAsync(new Uri(origin + "/readyz"), demo);
            var output = await NodeClients.RunAsync("demo-browser-flow.mjs", new Dictionary<string, string>
            {
                ["MCPRAG_URL"] = mcpUrl,
                ["MCPRAG_TENANT"] = Tenant,
                ["MCPRAG_CHROMIUM"] = chromium,
            }, TimeSpan.FromMinutes(3));
            var facts = JsonDocument.Parse(output).RootElement;

            // The flow, from the first 401, entirely on the demo's origin.
            var requests = facts.GetProperty("requests").EnumerateArray()
                .Select(r => (r.GetProperty("method").GetString(), r.GetProperty("url").GetString(), r.GetProperty("status").GetInt32())).ToList();
            Assert.Equal(("POST", mcpUrl, 401), requests[0]);
            var sequence = new[]
            {
                ("GET", origin + "/.well-known/oauth-protected-resource/mcp", 200),
                ("GET", origin + "/.well-known/oauth-authorization-server", 200),
                ("POST", origin + "/connect/register", 201),
                ("POST", origin + "/connect/token", 200),
                ("POST", mcpUrl, 200),
            };
            var position = 0;
            foreach (var step in sequence)
            {
                position = requests.FindIndex(position, r => r == step);
                Assert.True(position > 0, $"{step} missing after the previous step in: {string.Join(", ", requests)}");
            }

            Assert.Equal("UnauthorizedError", facts.GetProperty("firstConnect").GetString());
            var authorization = facts.GetProperty("authorization");
            Assert.Equal(mcpUrl, authorization.GetProperty("resource").GetString());
            Assert.Equal("S256", authorization.GetProperty("codeChallengeMethod").GetString());
            Assert.Equal("rag:read rag:write", authorization.GetProperty("scope").GetString());

            // What the person saw and chose.
            var page = facts.GetProperty("signInPage");
            Assert.Equal("McpRag development sign-in", page.GetProperty("title").GetString());
            Assert.Contains($"McpRag demo browser test asks for access to {mcpUrl}", page.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Equal(SampleDeployment.SampleTenants, page.GetProperty("tenants").EnumerateArray().Select(t => t.GetString()!));
            Assert.All(page.GetProperty("scopes").EnumerateArray(), s => Assert.True(s.GetProperty("checked").GetBoolean()));
            var callback = facts.GetProperty("callback");
            Assert.True(callback.GetProperty("hasCode").GetBoolean(), callback.GetProperty("error").GetString());
            Assert.Equal(origin + "/", callback.GetProperty("iss").GetString());

            // The token is the development server's, for this resource, naming the picked tenant.
            var claims = facts.GetProperty("token").GetProperty("claims");
            Assert.Equal(origin + "/", claims.GetProperty("iss").GetString());
            Assert.Equal(mcpUrl, claims.GetProperty("aud").GetString());
            Assert.Equal(Tenant, claims.GetProperty("tenant_id").GetString());
            Assert.Equal(["offline_access", "rag:read", "rag:write"], claims.GetProperty("scope").GetString()!.Split(' ').Order(StringComparer.Ordinal));
            Assert.True(facts.GetProperty("token").GetProperty("hasRefreshToken").GetBoolean());

            var search = facts.GetProperty("search");
            Assert.False(search.GetProperty("isError").GetBoolean(), search.GetProperty("text").GetString());
            Assert.Equal(Tenant, search.GetProperty("structured").GetProperty("tenant").GetString());
            var hits = search.GetProperty("structured").GetProperty("results").EnumerateArray().ToList();
            Assert.NotEmpty(hits);
            Assert.All(hits, h => Assert.EndsWith(".fabrikam-outdoor.example", new Uri(h.GetProperty("url").GetString()!).Host, StringComparison.Ordinal));
        }
        finally
        {
            await ProcessExit.KillAsync(demo, "mcprag demo");
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort; the OS cleans the temp folder.
            }
        }
    }

    private static async Task WaitUntilReadyAsync(Uri readiness, Process demo)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline && !demo.HasExited)
        {
            try
            {
                using var ready = await http.GetAsync(readiness, TestContext.Current.CancellationToken);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        throw new Xunit.Sdk.XunitException("demo did not start serving");
    }
}

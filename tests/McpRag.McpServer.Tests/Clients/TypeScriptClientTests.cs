using System.Text.Json;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests.Clients;

/// <summary>
/// The real mcprag driven by the official TypeScript MCP clients (what Claude Desktop, Claude Code, Cursor and the
/// Inspector embed): the 1.x SDK, which validates structured content against the output schema even on errors, and
/// the 2.x client, which speaks 2026-07-28 without <c>initialize</c>. Over streamable HTTP (the deployment's server)
/// and stdio (a fresh <c>mcprag serve --transport stdio</c>), every tool, resources, paging, filters and every error
/// code must arrive as something the agent can read: a tool result with <c>isError</c>, never a client exception
/// (over HTTP, a missing token or scope is the spec's 401/403 instead).
/// </summary>
[Trait("Category", "Slow")]
public sealed class TypeScriptClientTests(SampleDeployment deployment)
{
    private const string Tenant = "tenant-c";

    public static TheoryData<string, string, string> Runs() => new()
    {
        { "v1", "2025-06-18", "http" },
        { "v1", "2025-11-25", "http" },
        { "v2", "2026-07-28", "http" },
        { "v1", "2025-06-18", "stdio" },
        { "v1", "2025-11-25", "stdio" },
        { "v2", "2026-07-28", "stdio" },
        // --stateful: sessions for initialize clients, per-request service for 2026-07-28 clients, on one endpoint.
        { "v1", "2025-11-25", "http-stateful" },
        { "v2", "2026-07-28", "http-stateful" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Scenario_OfficialClient_EveryResultAndErrorReachesTheAgent(string sdk, string protocol, string transport)
    {
        await using var stateful = transport == "http-stateful"
            ? HttpServerHost.Build(new ServerSettings("http://127.0.0.1:0", deployment.ConfigFile, Dev: true) { Stateless = false })
            : null;
        var endpoint = deployment.McpEndpoint;
        if (stateful is not null)
        {
            await stateful.StartAsync(TestContext.Current.CancellationToken);
            endpoint = new Uri(new Uri(stateful.Urls.First()), HttpServerHost.McpPath);
        }

        var facts = await RunAsync(sdk, protocol, transport == "stdio" ? "stdio" : "http", endpoint);

        Assert.Equal(protocol, facts.GetProperty("negotiated").GetString());
        var sent = facts.GetProperty("readerSent").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(protocol != "2026-07-28", sent.Contains("initialize"));

        // tools/list follows the caller and is marked private to it.
        var readTools = facts.GetProperty("readTools");
        Assert.Equal(["fetch", "search"], Names(readTools));
        Assert.Equal(300_000, readTools.GetProperty("ttlMs").GetInt32());
        Assert.Equal("private", readTools.GetProperty("cacheScope").GetString());
        Assert.Equal(["delete_document", "fetch", "search", "upsert_document"], Names(facts.GetProperty("writeTools")));

        foreach (var mode in new[] { "hybrid", "keyword", "semantic" })
        {
            var search = Ok(facts.GetProperty("search").GetProperty(mode));
            var hits = search.GetProperty("results").EnumerateArray().ToList();
            Assert.NotEmpty(hits);
            Assert.Equal(mode, search.GetProperty("mode").GetString());
            Assert.All(hits, h => Assert.EndsWith(".fabrikam-outdoor.example", new Uri(h.GetProperty("url").GetString()!).Host, StringComparison.Ordinal));
            Assert.Equal(
                hits.Select(h => "mcprag://documents/" + Uri.EscapeDataString(h.GetProperty("id").GetString()!)),
                facts.GetProperty("search").GetProperty(mode).GetProperty("links").EnumerateArray().Select(l => l.GetString()));
        }

        var fetched = Ok(facts.GetProperty("fetch"));
        Assert.Contains("Fabrikam", fetched.GetProperty("text").GetString()!, StringComparison.Ordinal);

        var page1 = Ok(facts.GetProperty("page1"));
        var page2 = Ok(facts.GetProperty("page2"));
        Assert.NotNull(page1.GetProperty("next_cursor").GetString());
        Assert.Empty(Ids(page1).Intersect(Ids(page2)));
        Assert.Equal(2, Ids(page2).Count);

        var filtered = Ok(facts.GetProperty("filtered")).GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(filtered);
        Assert.All(filtered, h => Assert.Contains(h.GetProperty("attributes").GetProperty("category")[0].GetString(), new[] { "faq", "policy" }));
        var typed = Ok(facts.GetProperty("typedFilter")).GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(typed);
        Assert.All(typed, h => Assert.NotEqual("faq", h.GetProperty("attributes").GetProperty("category")[0].GetString()));

        // Each document is a resource, read under the same tenant scope as fetch.
        var contents = Assert.Single(facts.GetProperty("resource").GetProperty("contents").EnumerateArray());
        Assert.Equal(fetched.GetProperty("text").GetString(), contents.GetProperty("text").GetString());
        Assert.Equal("text/markdown", contents.GetProperty("mimeType").GetString());
        var missing = facts.GetProperty("missingResource");
        Assert.Equal(protocol == "2026-07-28" ? -32602 : -32002, missing.GetProperty("code").GetInt32());
        Assert.Equal("mcprag://documents/no-such-document", missing.GetProperty("data").GetProperty("uri").GetString());

        var errors = facts.GetProperty("errors");
        Assert.StartsWith("invalid_argument: query", Error(errors.GetProperty("emptyQuery")), StringComparison.Ordinal);
        Assert.StartsWith("invalid_argument: mode", Error(errors.GetProperty("badMode")), StringComparison.Ordinal);
        Assert.StartsWith("invalid_argument: top_k", Error(errors.GetProperty("bigTopK")), StringComparison.Ordinal);
        Assert.StartsWith("not_found: ", Error(errors.GetProperty("missingDocument")), StringComparison.Ordinal);
        Assert.StartsWith("tenant_not_provisioned: ", Error(errors.GetProperty("tenantNotProvisioned")), StringComparison.Ordinal);
        if (transport == "stdio")
        {
            Assert.StartsWith("forbidden: this tool needs the 'rag:write' scope", Error(errors.GetProperty("hiddenTool")), StringComparison.Ordinal);
            Assert.StartsWith("unauthenticated: ", Error(errors.GetProperty("unauthenticated")), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(403, errors.GetProperty("hiddenTool").GetProperty("status").GetInt32());
            Assert.Equal(401, errors.GetProperty("unauthenticated").GetProperty("status").GetInt32());
        }

        // Two calls a minute for this subject: the calls the client made are admitted, then throttled with a delay.
        var throttled = errors.GetProperty("throttled").EnumerateArray().ToList();
        var admitted = throttled.TakeWhile(c => !c.GetProperty("isError").GetBoolean()).Count();
        Assert.InRange(admitted, 1, 2);
        Assert.All(throttled.Skip(admitted), c => Assert.Matches(@"^throttled: .* \(retry_after_seconds=\d+\)$", Error(c)));

        Assert.Equal(1, Ok(facts.GetProperty("upsert")).GetProperty("chunks").GetInt32());
        var written = Ok(facts.GetProperty("fetchWritten"));
        Assert.Equal("Client round trip", written.GetProperty("title").GetString());
        Assert.Equal("mcprag://documents/" + written.GetProperty("id").GetString(), written.GetProperty("url").GetString());
        Assert.True(Ok(facts.GetProperty("delete")).GetProperty("deleted").GetBoolean());
    }

    private async Task<JsonElement> RunAsync(string sdk, string protocol, string transport, Uri endpoint)
    {
        var run = $"{sdk}-{protocol}-{transport}-{Guid.NewGuid():n}";
        var expired = deployment.Tokens.Create(
            c => { c["tenant_id"] = Tenant; },
            d => { d.NotBefore = DateTime.UtcNow.AddHours(-2); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddHours(-1); });
        var tokens = new Dictionary<string, string>
        {
            ["read"] = deployment.Tokens.Valid(Tenant, subject: "ts-" + run),
            ["write"] = deployment.Tokens.Valid(SampleDeployment.WriteTenant, "rag:read rag:write", "ts-" + run),
            ["expired"] = expired,
            ["unprovisioned"] = deployment.Tokens.Valid("tenant-nowhere", subject: "ts-" + run),
            ["throttled"] = deployment.Tokens.Valid(SampleDeployment.ClientsTenant, subject: "ts-" + run),
        };
        var environment = new Dictionary<string, string>
        {
            ["MCPRAG_SDK"] = sdk,
            ["MCPRAG_PROTOCOL"] = protocol,
            ["MCPRAG_TRANSPORT"] = transport,
            ["MCPRAG_TOKENS"] = JsonSerializer.Serialize(tokens),
            ["MCPRAG_URL"] = endpoint.ToString(),
        };
        if (transport == "stdio")
        {
            var tokenFile = Path.Combine(deployment.DataDir, $"token-{run}.txt");
            environment["MCPRAG_TOKEN_FILE"] = tokenFile;
            environment["MCPRAG_COMMAND"] = JsonSerializer.Serialize(new[]
            {
                "dotnet", RepositoryPaths.ServerDll, "serve", "--transport", "stdio", "--config", deployment.ConfigFile, "--dev", "--token-file", tokenFile,
            });
        }

        var output = await NodeClients.RunAsync("client-scenario.mjs", environment, TimeSpan.FromMinutes(3));
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>The structured content of a successful result, whose text block is the same JSON.</summary>
    private static JsonElement Ok(JsonElement call)
    {
        Assert.False(call.TryGetProperty("threw", out var threw), "the client threw: " + threw);
        Assert.False(call.GetProperty("isError").GetBoolean(), "tool error: " + call.GetProperty("text"));
        Assert.True(call.GetProperty("textIsStructuredJson").GetBoolean(), "text block is not the structured content: " + call.GetProperty("text"));
        return call.GetProperty("structured");
    }

    /// <summary>The text of an error result, which must carry no structured content and must not have made the client throw.</summary>
    private static string Error(JsonElement call)
    {
        Assert.False(call.TryGetProperty("threw", out var threw), "the client threw instead of returning the error: " + threw);
        Assert.True(call.GetProperty("isError").GetBoolean(), "expected an error result: " + call.GetProperty("text"));
        Assert.Equal(JsonValueKind.Null, call.GetProperty("structured").ValueKind);
        return call.GetProperty("text").GetString()!;
    }

    private static List<string> Names(JsonElement list) => list.GetProperty("names").EnumerateArray().Select(n => n.GetString()!).ToList();

    private static List<string> Ids(JsonElement result) => result.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("id").GetString()!).ToList();
}

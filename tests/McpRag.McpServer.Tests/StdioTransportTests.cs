using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The real <c>mcprag serve --transport stdio</c> process driven by the real MCP client: the token comes from the
/// environment or a token file and is validated on every call, so a replaced or expired token takes effect at once.
/// </summary>
[Trait("Category", "Slow")]
public sealed class StdioTransportTests(SampleDeployment deployment)
{
    public static TheoryData<string> Tenants() => new(SampleDeployment.SampleTenants);

    [Theory]
    [MemberData(nameof(Tenants))]
    public async Task SearchAndFetch_OverStdio_ReturnOnlyTheTenantsDocuments(string tenant)
    {
        await using var client = await McpClients.StdioAsync(deployment, deployment.Tokens.Valid(tenant));

        var tools = await client.ToolsAsync();
        Assert.Equal(["fetch", "search"], tools.Select(t => t.Name).Order());
        foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
        {
            var hits = (await client.CallAsync("search", new() { ["query"] = "refund policy", ["mode"] = mode })).Hits();
            Assert.NotEmpty(hits);
            Assert.All(hits, h => Assert.EndsWith("." + SampleDeployment.Domains[tenant], new Uri(h.GetProperty("url").GetString()!).Host, StringComparison.Ordinal));
        }

        var document = (await client.CallAsync("fetch", new() { ["id"] = "refund-policy" })).Ok();
        Assert.Contains(SampleDeployment.Companies[tenant], document.GetProperty("text").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_TokenFileReplacedWithExpiredToken_FailsOnTheNextCall()
    {
        var tokenFile = Path.Combine(deployment.DataDir, $"token-{Guid.NewGuid():n}.txt");
        await File.WriteAllTextAsync(tokenFile, deployment.Tokens.Valid("tenant-a"), TestContext.Current.CancellationToken);
        await using var client = await McpClients.StdioAsync(deployment, token: null, tokenFile);
        Assert.NotEmpty((await client.CallAsync("search", new() { ["query"] = "esim" })).Hits());

        var expired = deployment.Tokens.Create(_ => { }, d => { d.NotBefore = DateTime.UtcNow.AddHours(-2); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddHours(-1); });
        await File.WriteAllTextAsync(tokenFile, expired, TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddSeconds(5));

        var result = await client.CallAsync("search", new() { ["query"] = "esim" });
        Assert.Equal("unauthenticated", result.ErrorCode());
        Assert.Contains("expired", result.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_NoToken_ReturnsUnauthenticated()
    {
        await using var client = await McpClients.StdioAsync(deployment, token: null);

        var result = await client.CallAsync("search", new() { ["query"] = "refund" });

        Assert.Equal("unauthenticated", result.ErrorCode());
    }

    [Fact]
    public async Task Upsert_ReadOnlyToken_ReturnsForbidden()
    {
        await using var client = await McpClients.StdioAsync(deployment, deployment.Tokens.Valid(SampleDeployment.WriteTenant, scope: "rag:read"));

        var result = await client.CallAsync("upsert_document", new() { ["id"] = "x", ["title"] = "X", ["text"] = "text" });

        Assert.Equal("forbidden", result.ErrorCode());
    }

    [Fact]
    public async Task Search_CognitoStyleTenantClaimConfigured_IsAccepted()
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(deployment.ConfigFile, TestContext.Current.CancellationToken))!;
        config["McpRag"]!["Auth"]!["TenantClaim"] = "custom:tenant_id";
        var configFile = Path.Combine(deployment.DataDir, $"cognito-{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString(), TestContext.Current.CancellationToken);
        var token = deployment.Tokens.Create(c => { c.Remove("tenant_id"); c["custom:tenant_id"] = "tenant-b"; });
        await using var client = await McpClients.StdioAsync(deployment, token, configFile: configFile);

        var result = await client.CallAsync("search", new() { ["query"] = "appointment" });

        Assert.Equal("tenant-b", result.Ok().GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task Serve_LineOverBodyLimit_AnswersJsonRpcErrorAndKeepsServing()
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(deployment.ConfigFile, TestContext.Current.CancellationToken))!;
        config["McpRag"]!["Http"] = new System.Text.Json.Nodes.JsonObject { ["MaxRequestBodyBytes"] = 65_536 };
        var configFile = Path.Combine(deployment.DataDir, $"stdio-limit-{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString(), TestContext.Current.CancellationToken);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [RepositoryPaths.ServerDll, "serve", "--transport", "stdio", "--config", configFile, "--dev"])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["MCPRAG_TOKEN"] = deployment.Tokens.Valid("tenant-a") },
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            var stdin = process.StandardInput;
            await stdin.WriteLineAsync(RawMcpHttp.Initialize);
            await stdin.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            await stdin.WriteLineAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search","arguments":{"query":""" + "\"" + new string('q', 200_000) + "\"}}}");
            await stdin.WriteLineAsync("""{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"search","arguments":{"query":"esim"}}}""");
            await stdin.FlushAsync(TestContext.Current.CancellationToken);

            var answers = new Dictionary<int, System.Text.Json.JsonElement>();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            while (answers.Count < 3 && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var message = System.Text.Json.JsonDocument.Parse(line).RootElement.Clone();
                answers[message.GetProperty("id").GetInt32()] = message;
            }

            Assert.Equal("request line is larger than 65536 bytes", answers[7].GetProperty("error").GetProperty("message").GetString());
            Assert.Equal(-32600, answers[7].GetProperty("error").GetProperty("code").GetInt32());
            Assert.NotEqual(0, answers[8].GetProperty("result").GetProperty("structuredContent").GetProperty("results").GetArrayLength());
        }
        finally
        {
            await ProcessExit.KillAsync(process, "mcprag serve --transport stdio");
        }
    }
}

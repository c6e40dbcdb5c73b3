using System.Text.Json.Nodes;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The operator's controls over tools: a read-only tenant, a read-only server and a tenant's tool allowlist hide the
/// tools they refuse from <c>tools/list</c>, and a call to such a tool is <c>forbidden</c> with the reason — never an
/// unknown tool, and never a change to the tenant's data.
/// </summary>
public sealed class OperatorControlTests(SampleDeployment deployment)
{
    private const string WriteScopes = "rag:read rag:write";

    [Fact]
    public async Task ReadOnlyTenant_WriteToken_SeesAndUsesOnlyTheReadTools()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-readonly", WriteScopes));

        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var upsert = await client.CallAsync("upsert_document", new() { ["id"] = "blocked", ["title"] = "t", ["text"] = "t" });

        Assert.Equal(["fetch", "search"], tools.Select(t => t.Name).Order());
        Assert.Equal("forbidden", upsert.ErrorCode());
        Assert.Contains("this tenant is read-only", upsert.Text(), StringComparison.Ordinal);
        Assert.NotEqual(true, (await client.CallAsync("search", new() { ["query"] = "anything" })).IsError);
    }

    [Fact]
    public async Task AllowlistedTenant_ToolOutsideTheList_IsHiddenAndForbidden()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-allowlist", WriteScopes));

        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var fetch = await client.CallAsync("fetch", new() { ["id"] = "anything" });

        Assert.Equal(["search"], tools.Select(t => t.Name));
        Assert.Equal("forbidden", fetch.ErrorCode());
        Assert.Contains("not enabled for this tenant", fetch.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadOnlyServer_WriteToken_WriteToolsHiddenAndRefused()
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(deployment.ConfigFile, TestContext.Current.CancellationToken))!;
        config["McpRag"]!["Tools"] = new JsonObject { ["ReadOnly"] = true };
        var configFile = Path.Combine(deployment.DataDir, $"read-only-{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString(), TestContext.Current.CancellationToken);
        await using var app = HttpServerHost.Build(new ServerSettings("http://127.0.0.1:0", configFile, Dev: true));
        await app.StartAsync(TestContext.Current.CancellationToken);
        await using var client = await McpClients.HttpAsync(new Uri(new Uri(app.Urls.First()), HttpServerHost.McpPath), deployment.Tokens.Valid(SampleDeployment.WriteTenant, WriteScopes));

        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var delete = await client.CallAsync("delete_document", new() { ["id"] = "anything" });

        Assert.Equal(["fetch", "search"], tools.Select(t => t.Name).Order());
        Assert.Equal("forbidden", delete.ErrorCode());
        Assert.Contains("this server is read-only", delete.Text(), StringComparison.Ordinal);
    }
}

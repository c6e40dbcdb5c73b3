using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;

namespace McpRag.McpServer.Tests;

/// <summary>
/// What agents see is a contract: the full <c>tools/list</c> result (names, descriptions, annotations, input and
/// output schemas) must equal the reviewed snapshot in <c>tests/contracts/tools.json</c>. After a deliberate change,
/// run the tests once with <c>MCPRAG_UPDATE_CONTRACTS=1</c> and review the diff of that file.
/// </summary>
public sealed class ToolContractTests(SampleDeployment deployment)
{
    private static readonly string SnapshotPath = Path.Combine(RepositoryPaths.Root, "tests", "contracts", "tools.json");

    [Fact]
    public async Task ListTools_OverHttp_MatchesTheReviewedSnapshot()
    {
        await using var writer = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a", "rag:read rag:write"));
        await using var reader = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));

        var tools = await writer.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var readTools = await reader.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var templates = await reader.ListResourceTemplatesAsync(cancellationToken: TestContext.Current.CancellationToken);

        var actual = new JsonObject
        {
            ["tools"] = new JsonArray(tools
                .OrderBy(t => t.Name, StringComparer.Ordinal)
                .Select(t => JsonSerializer.SerializeToNode(t.ProtocolTool, McpJsonUtilities.DefaultOptions))
                .ToArray()),
            ["toolsListedTo"] = new JsonObject
            {
                ["rag:read"] = new JsonArray(readTools.Select(t => t.Name).Order(StringComparer.Ordinal).Select(n => (JsonNode)n).ToArray()),
                ["rag:read rag:write"] = new JsonArray(tools.Select(t => t.Name).Order(StringComparer.Ordinal).Select(n => (JsonNode)n).ToArray()),
            },
            ["resourceTemplates"] = new JsonArray(templates
                .Select(t => JsonSerializer.SerializeToNode(t.ProtocolResourceTemplate, McpJsonUtilities.DefaultOptions))
                .ToArray()),
        };
        var actualText = actual.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        if (Environment.GetEnvironmentVariable("MCPRAG_UPDATE_CONTRACTS") == "1")
        {
            await File.WriteAllTextAsync(SnapshotPath, actualText, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(SnapshotPath), $"snapshot missing: {SnapshotPath} (run once with MCPRAG_UPDATE_CONTRACTS=1)");
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(SnapshotPath, TestContext.Current.CancellationToken));
        Assert.True(JsonNode.DeepEquals(expected, actual), "tools/list differs from tests/contracts/tools.json:\n" + actualText);
    }

    [Fact]
    public async Task ListTools_ReadTools_AreAnnotatedReadOnlyAndDeclareOutputSchemas()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a", "rag:read rag:write"));

        var tools = (await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).ToDictionary(t => t.Name);

        Assert.True(tools["search"].ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.True(tools["fetch"].ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.False(tools["upsert_document"].ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.All(tools.Values, t => Assert.Equal(JsonValueKind.Object, t.ProtocolTool.OutputSchema?.ValueKind));
        var searchInput = tools["search"].ProtocolTool.InputSchema.GetProperty("properties");
        Assert.Equal(["cursor", "filters", "mode", "query", "snippet_chars", "top_k"], searchInput.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public void ToolScopes_EveryRegisteredTool_DeclaresItsScope()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddLogging();
        Hosting.McpRagServerExtensions.AddMcpRagServer(services, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        var scopes = provider.GetRequiredService<Auth.ToolScopes>();

        Assert.Equal(["delete_document", "fetch", "search", "upsert_document"], scopes.All.Keys.Order());
        Assert.Equal("rag:write", scopes.For("upsert_document"));
        Assert.Null(scopes.For("no_such_tool"));
    }

    [Fact]
    public void ToolScopes_ToolWithoutDeclaration_RefusesToStart()
    {
        var undeclared = ModelContextProtocol.Server.McpServerTool.Create(() => "x", new() { Name = "undeclared" });

        var error = Assert.Throws<InvalidOperationException>(() => new Auth.ToolScopes([undeclared]));

        Assert.Contains("'undeclared' declares no scope", error.Message, StringComparison.Ordinal);
    }
}

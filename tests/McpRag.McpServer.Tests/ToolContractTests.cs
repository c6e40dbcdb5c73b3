using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;
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
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));

        var tools = await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken);

        var actual = new JsonArray(tools
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => JsonSerializer.SerializeToNode(t.ProtocolTool, McpJsonUtilities.DefaultOptions))
            .ToArray());
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
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));

        var tools = (await client.ListToolsAsync(cancellationToken: TestContext.Current.CancellationToken)).ToDictionary(t => t.Name);

        Assert.True(tools["search"].ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.True(tools["fetch"].ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.False(tools["upsert_document"].ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.All(tools.Values, t => Assert.Equal(JsonValueKind.Object, t.ProtocolTool.OutputSchema?.ValueKind));
        var searchInput = tools["search"].ProtocolTool.InputSchema.GetProperty("properties");
        Assert.Equal(["cursor", "filters", "mode", "query", "top_k"], searchInput.EnumerateObject().Select(p => p.Name).Order());
    }
}

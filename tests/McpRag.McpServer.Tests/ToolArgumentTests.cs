using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>Bad arguments get <c>invalid_argument</c> with a one-line reason, never an exception or a partial result.</summary>
public sealed class ToolArgumentTests(SampleDeployment deployment)
{
    public static TheoryData<string, string> BadSearches() => new()
    {
        { """{"query": ""}""", "query" },
        { """{"query": "   "}""", "query" },
        { "{\"query\": \"" + new string('a', 2_001) + "\"}", "query" },
        { """{"query": "refund", "top_k": 0}""", "top_k" },
        { """{"query": "refund", "top_k": 51}""", "top_k" },
        { """{"query": "refund", "top_k": "many"}""", "schema" },
        { """{"query": "refund", "mode": "fuzzy"}""", "mode" },
        { """{"query": "refund", "cursor": "not-a-cursor"}""", "cursor" },
        { """{"query": "refund", "cursor": "eyJUIjoidGVuYW50LWEifQ.AAAA"}""", "cursor" },
        { """{"query": "refund", "filters": {"tenant_id": "tenant-d"}}""", "filter" },
        { """{"query": "refund", "filters": {"category": 5}}""", "filter" },
        { """{"query": "refund", "filters": {"category": []}}""", "filter" },
        { """{"query": 42}""", "schema" },
        { """{}""", "schema" },
    };

    [Theory]
    [MemberData(nameof(BadSearches))]
    public async Task Search_BadArgument_ReturnsInvalidArgumentNamingTheProblem(string argumentsJson, string mentioned)
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));
        var arguments = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson)!;

        var result = await client.CallAsync("search", arguments);

        Assert.Equal("invalid_argument", result.ErrorCode());
        Assert.Contains(mentioned, result.Text(), StringComparison.Ordinal);
        ErrorHygiene.AssertClean(result.Text(), "tenant-a", deployment.DataDir);
        Assert.Single(result.Text().Split('\n'));
    }

    [Fact]
    public async Task Search_FilterOnAttribute_ReturnsOnlyMatchingDocuments()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));

        var hits = (await client.CallAsync("search", new() { ["query"] = "refund return order", ["top_k"] = 50, ["filters"] = new Dictionary<string, object> { ["category"] = new[] { "inquiry" } } })).Hits();

        Assert.NotEmpty(hits);
        Assert.All(hits, h => Assert.Equal("inquiry", h.GetProperty("attributes").GetProperty("category")[0].GetString()));
    }

    [Fact]
    public async Task CallTool_UnknownToolName_IsAProtocolErrorNotAToolCall()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));

        var error = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(() => client.CallAsync("drop_all_tenants", new()));

        Assert.Equal(ModelContextProtocol.McpErrorCode.InvalidParams, error.ErrorCode);
    }

    [Fact]
    public async Task Fetch_EmptyId_ReturnsInvalidArgument()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));

        Assert.Equal("invalid_argument", (await client.CallAsync("fetch", new() { ["id"] = "" })).ErrorCode());
    }
}

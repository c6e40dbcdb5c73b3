using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Writes pay for the passages they embed, not one token per call: a write larger than the per-call cap is refused
/// before any embedding with a reason, and the tenant's embedding bucket admits large writes until it is spent,
/// whatever is left of the call quota.
/// </summary>
public sealed class WriteCostTests(SampleDeployment deployment)
{
    [Fact]
    public async Task Upsert_TextOverPerCallPassageCap_ReturnsInvalidArgumentWithReason()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(SampleDeployment.EmbedTenant, scope: "rag:read rag:write", subject: "cap"));

        // About 40 passages of 180 words: over the tenant's cap of 20.
        var text = string.Join(' ', Enumerable.Range(0, 7_000).Select(i => $"word{i % 97}"));
        var result = await client.CallAsync("upsert_document", new() { ["id"] = "too-large", ["title"] = "Too large", ["text"] = text });

        Assert.Equal("invalid_argument", result.ErrorCode());
        Assert.Contains("at most 20", result.Text(), StringComparison.Ordinal);
        Assert.Contains("mcprag ingest", result.Text(), StringComparison.Ordinal);
        Assert.Equal("not_found", (await client.CallAsync("fetch", new() { ["id"] = "too-large" })).ErrorCode());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Upsert_WritesOverEmbeddingQuota_AreThrottledByPassagesNotCalls()
    {
        var clients = new List<ModelContextProtocol.Client.McpClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(SampleDeployment.EmbedTenant, scope: "rag:read rag:write", subject: $"bulk-{i}")));
        }

        try
        {
            // 1,500 words make 10 passages of 180 words (150 new words each): four such writes cost 40 of the bucket's 30.
            // They are sent together, so all four are charged (before any embedding) within moments of each other.
            var results = await Task.WhenAll(clients.Select((client, i) => client.CallAsync("upsert_document", new()
            {
                ["id"] = $"bulk-{i}",
                ["title"] = $"Bulk {i}",
                ["text"] = string.Join(' ', Enumerable.Range(0, 1_500).Select(w => $"note{i}x{w % 50}")),
            })));

            var stored = results.Where(r => r.IsError != true).ToList();
            Assert.Equal(3, stored.Count);
            Assert.All(stored, r => Assert.Equal(10, r.Ok().GetProperty("chunks").GetInt32()));
            var refused = Assert.Single(results, r => r.IsError == true);
            Assert.Equal("throttled", refused.ErrorCode());
            Assert.Contains("embedding quota", refused.Text(), StringComparison.Ordinal);
            Assert.Contains("retry_after_seconds=", refused.Text(), StringComparison.Ordinal);

            // Reads are calls, not embedding: the tenant still searches.
            Assert.True((await clients[0].CallAsync("search", new() { ["query"] = "note0x1", ["mode"] = "keyword" })).IsError != true);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}

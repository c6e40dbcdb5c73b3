using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>Write tools through the real client, on a tenant of its own so sample data stays untouched.</summary>
public sealed class DocumentToolTests(SampleDeployment deployment)
{
    [Fact]
    public async Task UpsertSearchDelete_WithWriteScope_RoundTrips()
    {
        var token = deployment.Tokens.Valid(SampleDeployment.WriteTenant, scope: "rag:read rag:write");
        await using var client = await McpClients.HttpAsync(deployment, token);
        var id = "kb/" + Guid.NewGuid().ToString("n");

        var upsert = (await client.CallAsync("upsert_document", new()
        {
            ["id"] = id,
            ["title"] = "Lighthouse keeper rota",
            ["text"] = "The lighthouse keeper rota changes every fortnight; swaps are agreed with the harbour master.",
            ["attributes"] = new Dictionary<string, object> { ["category"] = "manual" },
        })).Ok();
        Assert.Equal(1, upsert.GetProperty("chunks").GetInt32());

        var hits = (await client.CallAsync("search", new() { ["query"] = "lighthouse rota", ["filters"] = new Dictionary<string, object> { ["category"] = "manual" } })).Hits();
        Assert.Equal(id, hits[0].GetProperty("id").GetString());

        var unchanged = (await client.CallAsync("upsert_document", new() { ["id"] = id, ["title"] = "Lighthouse keeper rota", ["text"] = "The lighthouse keeper rota changes every fortnight; swaps are agreed with the harbour master.", ["attributes"] = new Dictionary<string, object> { ["category"] = "manual" } })).Ok();
        Assert.Equal(0, unchanged.GetProperty("chunks").GetInt32());

        Assert.True((await client.CallAsync("delete_document", new() { ["id"] = id })).Ok().GetProperty("deleted").GetBoolean());
        Assert.Equal("not_found", (await client.CallAsync("fetch", new() { ["id"] = id })).ErrorCode());
        Assert.Equal("not_found", (await client.CallAsync("delete_document", new() { ["id"] = id })).ErrorCode());
    }

    [Fact]
    public async Task Upsert_WrittenByOneTenant_IsInvisibleToAnother()
    {
        var writer = deployment.Tokens.Valid(SampleDeployment.WriteTenant, scope: "rag:read rag:write");
        await using var client = await McpClients.HttpAsync(deployment, writer);
        await using var other = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-b"));
        var id = "secret-" + Guid.NewGuid().ToString("n");
        (await client.CallAsync("upsert_document", new() { ["id"] = id, ["title"] = "Zanzibar vault code", ["text"] = "The Zanzibar vault opens with the quartz sequence." })).Ok();

        Assert.Equal("not_found", (await other.CallAsync("fetch", new() { ["id"] = id })).ErrorCode());
        var hits = (await other.CallAsync("search", new() { ["query"] = "Zanzibar vault quartz sequence", ["mode"] = "keyword" })).Hits();
        Assert.DoesNotContain(hits, h => h.GetProperty("id").GetString() == id);
    }
}

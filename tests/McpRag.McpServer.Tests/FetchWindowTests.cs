using McpRag.McpServer.Tests.Infrastructure;
using McpRag.McpServer.Tools;

namespace McpRag.McpServer.Tests;

/// <summary>
/// <c>fetch</c> returns a document in windows sized for a context window: a document longer than <c>max_chars</c>
/// is read whole by following <c>next_offset</c>, every window says where it starts and whether it was cut.
/// </summary>
public sealed class FetchWindowTests(SampleDeployment deployment)
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task Fetch_DocumentLongerThanMaxChars_IsReadWholeByFollowingNextOffset()
    {
        var id = "long-" + Guid.NewGuid().ToString("n");
        var text = string.Join(" ", Enumerable.Range(0, 3_000).Select(i => $"word{i}")) + " 🌲 end";
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(SampleDeployment.WriteTenant, "rag:read rag:write"));
        (await client.CallAsync("upsert_document", new() { ["id"] = id, ["title"] = "Long", ["text"] = text })).Ok();

        var read = new System.Text.StringBuilder();
        int? offset = 0;
        var windows = 0;
        while (offset is not null)
        {
            var window = (await client.CallAsync("fetch", new() { ["id"] = id, ["max_chars"] = 5_000, ["offset"] = offset })).Ok();
            Assert.Equal(offset, window.GetProperty("offset").GetInt32());
            Assert.Equal(text.Length, window.GetProperty("total_chars").GetInt32());
            var part = window.GetProperty("text").GetString()!;
            Assert.InRange(part.Length, 1, 5_000);
            read.Append(part);
            offset = window.GetProperty("next_offset").ValueKind == System.Text.Json.JsonValueKind.Null ? null : window.GetProperty("next_offset").GetInt32();
            Assert.Equal(offset is not null, window.GetProperty("truncated").GetBoolean());
            windows++;
        }

        Assert.Equal(text, read.ToString());
        Assert.Equal((text.Length + 4_999) / 5_000, windows);
    }

    [Fact]
    public async Task Fetch_DefaultWindow_IsAtMostTheDefaultSize()
    {
        var id = "default-window-" + Guid.NewGuid().ToString("n");
        var text = new string('a', TextWindow.DefaultMaxChars + 10);
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(SampleDeployment.WriteTenant, "rag:read rag:write"));
        (await client.CallAsync("upsert_document", new() { ["id"] = id, ["title"] = "Default", ["text"] = text })).Ok();

        var window = (await client.CallAsync("fetch", new() { ["id"] = id })).Ok();

        Assert.Equal(TextWindow.DefaultMaxChars, window.GetProperty("text").GetString()!.Length);
        Assert.True(window.GetProperty("truncated").GetBoolean());
        Assert.Equal(TextWindow.DefaultMaxChars, window.GetProperty("next_offset").GetInt32());
    }

    [Theory]
    [InlineData(0, 0, "max_chars must be between 1 and 100000")]
    [InlineData(100_001, 0, "max_chars must be between 1 and 100000")]
    [InlineData(10, -1, "offset must not be negative")]
    [InlineData(10, 1_000_000, "offset is past the end")]
    public async Task Fetch_BadWindow_IsInvalidArgumentWithTheReason(int maxChars, int offset, string reason)
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));

        var result = await client.CallAsync("fetch", new() { ["id"] = "refund-policy", ["max_chars"] = maxChars, ["offset"] = offset });

        Assert.Equal("invalid_argument", result.ErrorCode());
        Assert.Contains(reason, result.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cut_SurrogatePairAtTheWindowEdge_StaysWhole()
    {
        var (text, next) = TextWindow.Of(3, 0).Cut("ab🌲c");

        Assert.Equal("ab", text);
        Assert.Equal(2, next);
        Assert.Equal(("🌲", 4), TextWindow.Of(1, 2).Cut("ab🌲c"));
    }
}

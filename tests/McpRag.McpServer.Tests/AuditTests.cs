using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Every tool call and every request refused before a tool yields exactly one audit event with the right outcome,
/// and the audit trail never holds a token or query text. Calls are tagged with a unique <c>X-Request-Id</c> so this
/// test finds its own events among those of the tests running beside it.
/// </summary>
public sealed class AuditTests(SampleDeployment deployment)
{
    [Fact]
    public async Task Calls_EachOutcome_ProduceExactlyOneAuditEventEach()
    {
        var requestId = "audit-" + Guid.NewGuid().ToString("n");
        var readToken = deployment.Tokens.Valid("tenant-b", subject: "auditor");
        var expiredToken = deployment.Tokens.Create(_ => { }, d => { d.NotBefore = DateTime.UtcNow.AddHours(-2); d.IssuedAt = d.NotBefore; d.Expires = DateTime.UtcNow.AddHours(-1); });
        int searchHits;
        await using (var client = await McpClients.HttpAsync(deployment, readToken, requestId))
        {
            searchHits = (await client.CallAsync("search", new() { ["query"] = "confidential appointment query", ["mode"] = "keyword" })).Hits().Count;
            Assert.Equal("invalid_argument", (await client.CallAsync("search", new() { ["query"] = "x", ["top_k"] = 0 })).ErrorCode());
            Assert.Equal("not_found", (await client.CallAsync("fetch", new() { ["id"] = "missing-" + requestId })).ErrorCode());
        }

        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(requestId, readToken, """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"delete_document","arguments":{"id":"x"}}}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(requestId, expiredToken, """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"search","arguments":{"query":"x"}}}"""));

        // Set-up requests of the MCP client (initialize, notifications) are not tool calls and are not audited.
        var events = await WaitForEventsAsync(e => e.GetProperty("request_id").GetString() == requestId, 5);
        Assert.Equal(
            [("search", "ok"), ("search", "invalid_argument"), ("fetch", "not_found"), ("delete_document", "forbidden"), (null, "unauthenticated")],
            events.Select(e => (e.TryGetProperty("tool", out var tool) ? tool.GetString() : null, e.GetProperty("outcome").GetString())));
        var search = events[0];
        Assert.Equal("tenant-b", search.GetProperty("tenant").GetString());
        Assert.Equal("auditor", search.GetProperty("subject").GetString());
        Assert.Equal("keyword", search.GetProperty("mode").GetString());
        Assert.Equal("local", search.GetProperty("backend").GetString());
        Assert.Equal(searchHits, search.GetProperty("hits").GetInt32());
        Assert.Matches("^[0-9a-f]{16}$", search.GetProperty("query_hash").GetString());
        Assert.False(search.TryGetProperty("query", out _));
        Assert.False(events[4].TryGetProperty("tenant", out _));

        var everything = string.Concat(Directory.GetFiles(deployment.AuditDirectory).Select(File.ReadAllText));
        Assert.DoesNotContain(readToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(expiredToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(readToken.Split('.')[2], everything, StringComparison.Ordinal);
        Assert.DoesNotContain("confidential appointment query", everything, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Write_AuditFiles_AreReadableByOwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only");
        var requestId = "audit-mode-" + Guid.NewGuid().ToString("n");
        await using (var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-b"), requestId))
        {
            await client.CallAsync("search", new() { ["query"] = "appointment", ["mode"] = "keyword" });
        }

        await WaitForEventsAsync(e => e.GetProperty("request_id").GetString() == requestId, 1);

        var files = Directory.GetFiles(deployment.AuditDirectory, "audit-*.jsonl");
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(deployment.AuditDirectory));
    }

    private async Task<HttpStatusCode> PostAsync(string requestId, string token, string body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, deployment.McpEndpoint) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    /// <summary>Reads the audit files until <paramref name="count"/> matching events are there (the writer is asynchronous), then checks no more appear.</summary>
    private async Task<IReadOnlyList<JsonElement>> WaitForEventsAsync(Func<JsonElement, bool> match, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<JsonElement> events;
        do
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            events = AuditFiles.Read(deployment.AuditDirectory).Where(match).ToList();
        }
        while (events.Count < count && DateTime.UtcNow < deadline);

        Assert.Equal(count, events.Count);
        return events;
    }
}

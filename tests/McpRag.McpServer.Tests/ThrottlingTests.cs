using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Quotas through the real server. The quota tenants refill once a minute, so during a test their buckets hold
/// exactly their burst and the counts below are exact.
/// </summary>
public sealed class ThrottlingTests(SampleDeployment deployment)
{
    [Fact]
    public async Task Search_TenantOverQuota_IsThrottledWhileAnotherTenantIsServed()
    {
        var outcomes = new List<(string Tenant, bool Ok, int? RetryAfter)>();
        for (var i = 0; i < 8; i++)
        {
            // A fresh subject per call: only the tenant's own bucket (burst 5) can refuse.
            await using var noisy = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-quota", subject: $"user-{i}"));
            await using var quiet = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c", subject: $"user-{i}"));
            var calls = await Task.WhenAll(
                noisy.CallAsync("search", new() { ["query"] = "refund" }),
                quiet.CallAsync("search", new() { ["query"] = "refund" }));
            outcomes.Add(("tenant-quota", calls[0].IsError != true, RetryAfter(calls[0])));
            outcomes.Add(("tenant-c", calls[1].IsError != true, RetryAfter(calls[1])));
        }

        Assert.Equal(5, outcomes.Count(o => o.Tenant == "tenant-quota" && o.Ok));
        Assert.All(outcomes.Where(o => o.Tenant == "tenant-quota" && !o.Ok), o => Assert.InRange(o.RetryAfter!.Value, 1, 60));
        Assert.All(outcomes.Where(o => o.Tenant == "tenant-c"), o => Assert.True(o.Ok));
    }

    [Fact]
    public async Task Search_OneSubjectOverItsShare_IsThrottledWhileAnotherSubjectOfTheTenantIsServed()
    {
        await using var alice = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-subject", subject: "alice"));
        await using var bob = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-subject", subject: "bob"));

        var aliceCalls = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            var result = await alice.CallAsync("search", new() { ["query"] = "refund" });
            aliceCalls.Add(result.IsError != true);
            if (result.IsError == true)
            {
                Assert.Equal("throttled", result.ErrorCode());
                Assert.Contains("subject quota", result.Text(), StringComparison.Ordinal);
            }
        }

        Assert.Equal([true, true, false, false], aliceCalls);
        Assert.True((await bob.CallAsync("search", new() { ["query"] = "refund" })).IsError != true);
    }

    [Fact]
    public async Task Post_NonToolRequestOverQuota_Returns429WithRetryAfter()
    {
        var token = deployment.Tokens.Valid("tenant-http");
        var statuses = new List<HttpResponseMessage>();
        using var http = new HttpClient();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, deployment.McpEndpoint)
            {
                Content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.ParseAdd("application/json, text/event-stream");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            statuses.Add(await http.SendAsync(request, TestContext.Current.CancellationToken));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses.Select(s => s.StatusCode));
        Assert.InRange(statuses[2].Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
    }

    private static int? RetryAfter(ModelContextProtocol.Protocol.CallToolResult result) => result.RetryAfterSeconds();
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The demo's routing table gives tenant-d a deliberately small quota (30 a minute, burst 10): a burst of calls
/// gets tenant-d throttled while tenant-c, calling at the same moment, is served every time.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SampleQuotaTests(SampleDeployment deployment)
{
    [Fact]
    public async Task Search_SampleRoutingTable_ThrottlesTenantDButNotTenantC()
    {
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = deployment.DataDir,
                ["Tenants"] = new JsonObject { ["File"] = Path.Combine(RepositoryPaths.Samples, "tenants.json") },
                // Replicas of one deployment share its public URL, and so the audience of its tokens.
                ["Auth"] = new JsonObject { ["ResourceUrl"] = deployment.McpEndpoint.ToString() },
                ["Audit"] = new JsonObject { ["Directory"] = "" },
            },
        };
        await using var server = await ServerProcess.StartAsync(Path.Combine(deployment.DataDir, $"sample-quota-{Guid.NewGuid():n}.json"), config);
        await using var tenantD = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid("tenant-d", subject: "demo-user"));
        await using var tenantC = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid("tenant-c", subject: "demo-user"));

        // Both tenants fire a burst at the same moment; tenant-d's bucket refills one token every two seconds.
        var started = Stopwatch.GetTimestamp();
        var calls = Enumerable.Range(0, 15).SelectMany(_ => new[]
        {
            (Tenant: "tenant-d", Call: tenantD.CallAsync("search", new() { ["query"] = "refund policy" })),
            (Tenant: "tenant-c", Call: tenantC.CallAsync("search", new() { ["query"] = "refund policy" })),
        }).ToList();
        await Task.WhenAll(calls.Select(c => c.Call));
        var allowed = 10 + (int)Math.Ceiling(Stopwatch.GetElapsedTime(started).TotalSeconds / 2);
        var outcomes = calls.Select(c => (c.Tenant, Outcome: c.Call.Result.IsError == true ? c.Call.Result.ErrorCode() : "ok")).ToList();

        Assert.All(outcomes.Where(o => o.Tenant == "tenant-c"), o => Assert.Equal("ok", o.Outcome));
        var admitted = outcomes.Count(o => o.Tenant == "tenant-d" && o.Outcome == "ok");
        Assert.InRange(admitted, 10, Math.Min(15, allowed));
        Assert.All(outcomes.Where(o => o.Tenant == "tenant-d" && o.Outcome != "ok"), o => Assert.Equal("throttled", o.Outcome));
    }
}

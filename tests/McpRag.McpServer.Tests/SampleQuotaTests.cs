using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The demo's routing table gives tenant-d a deliberately small quota (30 a minute, burst 10): a burst of calls
/// gets tenant-d throttled while tenant-c, calling at the same moment, is served every time.
/// </summary>
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
                ["Audit"] = new JsonObject { ["Directory"] = "" },
            },
        };
        await using var server = await ServerProcess.StartAsync(Path.Combine(deployment.DataDir, $"sample-quota-{Guid.NewGuid():n}.json"), config);
        await using var tenantD = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid("tenant-d", subject: "demo-user"));
        await using var tenantC = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid("tenant-c", subject: "demo-user"));

        var outcomes = new List<(string Tenant, string Outcome)>();
        for (var i = 0; i < 15; i++)
        {
            var d = await tenantD.CallAsync("search", new() { ["query"] = "refund policy" });
            var c = await tenantC.CallAsync("search", new() { ["query"] = "refund policy" });
            outcomes.Add(("tenant-d", d.IsError == true ? d.ErrorCode() : "ok"));
            outcomes.Add(("tenant-c", c.IsError == true ? c.ErrorCode() : "ok"));
        }

        Assert.All(outcomes.Where(o => o.Tenant == "tenant-c"), o => Assert.Equal("ok", o.Outcome));
        Assert.InRange(outcomes.Count(o => o.Tenant == "tenant-d" && o.Outcome == "ok"), 10, 12);
        Assert.All(outcomes.Where(o => o.Tenant == "tenant-d" && o.Outcome != "ok"), o => Assert.Equal("throttled", o.Outcome));
    }
}

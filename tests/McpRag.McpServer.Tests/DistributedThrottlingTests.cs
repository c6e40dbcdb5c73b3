using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Replicas sharing a real Redis: a tenant's quota holds across all of them, and when Redis goes away each replica
/// keeps serving under its own local limits (never without limits). Uses the sample routing table, where tenant-d
/// has the demo quota of 30 calls a minute with a burst of 10.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DistributedThrottlingTests(SampleDeployment deployment)
{
    private const int Burst = 10;
    private const int PerMinute = 30;

    [Fact]
    public async Task Search_TwoReplicasSharingRedis_AdmitNoMoreThanOneQuota()
    {
        using var redis = await RedisServer.StartAsync();
        await using var first = await StartReplicaAsync("one", redis);
        await using var second = await StartReplicaAsync("two", redis);
        var started = Stopwatch.GetTimestamp();

        var admitted = 0;
        for (var i = 0; i < 30; i++)
        {
            // A fresh subject per call, alternating replicas: only the shared tenant bucket can refuse.
            var replica = i % 2 == 0 ? first : second;
            await using var client = await McpClients.HttpAsync(replica.McpEndpoint, deployment.Tokens.Valid("tenant-d", subject: $"caller-{i}"));
            var result = await client.CallAsync("search", new() { ["query"] = "baggage" });
            admitted += result.IsError == true ? 0 : 1;
            if (result.IsError == true)
            {
                Assert.Equal("throttled", result.ErrorCode());
            }
        }

        var elapsedMinutes = Stopwatch.GetElapsedTime(started).TotalMinutes;
        var allowed = Burst + (int)Math.Ceiling(PerMinute * elapsedMinutes);
        Assert.InRange(admitted, Burst, allowed);
        Assert.Equal(admitted, await CountAuditedAsync(["one", "two"], "ok", admitted));
    }

    [Fact]
    public async Task Search_RedisStoppedMidRun_KeepsServingUnderLocalLimitsAndWarns()
    {
        using var redis = await RedisServer.StartAsync();
        await using var replica = await StartReplicaAsync("failover", redis);
        async Task<bool> CallAsync(int i)
        {
            await using var client = await McpClients.HttpAsync(replica.McpEndpoint, deployment.Tokens.Valid("tenant-d", subject: $"failover-{i}"));
            var result = await client.CallAsync("search", new() { ["query"] = "hotel" });
            if (result.IsError == true)
            {
                Assert.Equal("throttled", result.ErrorCode());
                return false;
            }

            return true;
        }

        Assert.True(await CallAsync(0));
        redis.Stop();

        // A burst right after Redis went away: decided by the replica's local bucket (burst 10, one token per 2 s).
        var started = Stopwatch.GetTimestamp();
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 14).Select(CallAsync));
        var allowed = Burst + (int)Math.Ceiling(Stopwatch.GetElapsedTime(started).TotalSeconds / 2);

        Assert.InRange(outcomes.Count(ok => ok), Burst, Math.Min(14, allowed));
        Assert.Contains(replica.StandardError, line => line.Contains("Redis throttling store unreachable", StringComparison.Ordinal));
    }

    private Task<ServerProcess> StartReplicaAsync(string name, RedisServer redis)
    {
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = deployment.DataDir,
                ["Tenants"] = new JsonObject { ["File"] = Path.Combine(RepositoryPaths.Samples, "tenants.json") },
                // Replicas of one deployment share its public URL, and so the audience of its tokens.
                ["Auth"] = new JsonObject { ["ResourceUrl"] = deployment.McpEndpoint.ToString() },
                ["Throttling"] = new JsonObject { ["Store"] = "redis", ["Redis"] = redis.Configuration },
                ["Audit"] = new JsonObject { ["Directory"] = AuditDirectory(name) },
            },
        };
        return ServerProcess.StartAsync(Path.Combine(deployment.DataDir, $"replica-{name}-{redis.Port}.json"), config);
    }

    private string AuditDirectory(string replica) => Path.Combine(deployment.DataDir, "replica-audit", replica);

    private async Task<int> CountAuditedAsync(string[] replicas, string outcome, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int count;
        do
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            count = replicas
                .SelectMany(r => AuditFiles.Read(AuditDirectory(r)))
                .Count(e => e.TryGetProperty("tenant", out var tenant) && tenant.GetString() == "tenant-d" && e.GetProperty("outcome").GetString() == outcome);
        }
        while (count < expected && DateTime.UtcNow < deadline);

        return count;
    }
}

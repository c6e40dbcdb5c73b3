using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// A bounded soak over real HTTP MCP clients: many concurrent clients of mixed tenants make mixed valid and invalid
/// calls. Only the expected errors may occur, no hit may come from another tenant, and the server's managed memory
/// may not keep growing. The default run is short; <c>MCPRAG_SOAK_SECONDS</c> and <c>MCPRAG_SOAK_CLIENTS</c>
/// (which CI does not set) make it the long soak, e.g. 60 s with 32 clients.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SoakTests(SampleDeployment deployment)
{
    private static readonly string[] Queries = ["refund", "password reset", "business hours", "escalation", "insurance claim", "cancel my order", "lost baggage", "esim"];

    [Fact]
    public async Task MixedTenantsAndCalls_ConcurrentClients_OnlyExpectedErrorsNoLeaksBoundedMemory()
    {
        var seconds = Setting("MCPRAG_SOAK_SECONDS", 8);
        var clientCount = Setting("MCPRAG_SOAK_CLIENTS", 8);
        var ct = TestContext.Current.CancellationToken;
        var outcomes = new ConcurrentDictionary<string, int>();
        var unexpected = new ConcurrentQueue<string>();
        var calls = 0;
        var hits = 0;

        // Warm up, then take the memory baseline after a full collection.
        await RunAsync(TimeSpan.FromSeconds(1), 2, 1);
        var baseline = ManagedMemory();
        var stopwatch = Stopwatch.StartNew();
        await RunAsync(TimeSpan.FromSeconds(seconds), clientCount, 77);
        var growth = ManagedMemory() - baseline;

        SecurityReport.Write($"soak: {seconds} s, {clientCount} clients, {calls} calls, {hits} hits all of the caller's tenant, outcomes " +
            string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}x{o.Value}")) +
            $", managed memory growth {growth / (1024 * 1024)} MiB, {unexpected.Count} unexpected");
        Assert.True(unexpected.IsEmpty, string.Join("\n", unexpected.Take(10)));
        Assert.True(calls > clientCount, "the soak made almost no calls");
        Assert.True(growth < 256L * 1024 * 1024, $"managed memory grew by {growth / (1024 * 1024)} MiB");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(seconds + 120), "clients did not stop");

        async Task RunAsync(TimeSpan duration, int clients, int seed)
        {
            var until = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, clients), new ParallelOptions { MaxDegreeOfParallelism = clients, CancellationToken = ct }, async (n, token) =>
            {
                var random = new Random(seed + n);
                var tenant = SampleDeployment.SampleTenants[n % SampleDeployment.SampleTenants.Length];
                await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(tenant));
                while (until.Elapsed < duration)
                {
                    var (tool, arguments, expected) = Call(random);
                    var result = await client.CallAsync(tool, arguments);
                    Interlocked.Increment(ref calls);
                    var outcome = result.IsError == true ? result.ErrorCode() : "ok";
                    outcomes.AddOrUpdate(outcome, 1, (_, v) => v + 1);
                    if (outcome != expected)
                    {
                        unexpected.Enqueue($"{tenant} {tool} expected {expected}, got {outcome}: {result.Text()}");
                        continue;
                    }

                    if (result.IsError == true)
                    {
                        ErrorHygiene.AssertClean(result.Text(), tenant, deployment.DataDir);
                    }
                    else if (tool == "search")
                    {
                        var page = result.Hits();
                        Interlocked.Add(ref hits, page.Count);
                        foreach (var hit in page)
                        {
                            if (!new Uri(hit.GetProperty("url").GetString()!).Host.EndsWith("." + SampleDeployment.Domains[tenant], StringComparison.Ordinal))
                            {
                                unexpected.Enqueue($"{tenant} got another tenant's hit {hit}");
                            }
                        }
                    }
                    else if (tool == "fetch" && !result.Ok().GetProperty("text").GetString()!.Contains(SampleDeployment.Companies[tenant], StringComparison.Ordinal))
                    {
                        unexpected.Enqueue($"{tenant} fetched a document that is not its own");
                    }
                }
            });
        }
    }

    private static (string Tool, Dictionary<string, object?> Arguments, string Expected) Call(Random random) => random.Next(8) switch
    {
        0 => ("search", new() { ["query"] = "", }, "invalid_argument"),
        1 => ("search", new() { ["query"] = "refund", ["top_k"] = 500 }, "invalid_argument"),
        2 => ("fetch", new() { ["id"] = "missing-" + random.Next(1000).ToString(CultureInfo.InvariantCulture) }, "not_found"),
        3 => ("fetch", new() { ["id"] = "refund-policy" }, "ok"),
        4 => ("search", new() { ["query"] = "refund", ["filters"] = new Dictionary<string, object> { ["tenant_id"] = "tenant-a" } }, "invalid_argument"),
        5 => ("search", new() { ["query"] = "refund", ["cursor"] = "forged.cursor" }, "invalid_argument"),
        _ => ("search", new() { ["query"] = Queries[random.Next(Queries.Length)], ["top_k"] = random.Next(1, 20), ["mode"] = new[] { "keyword", "semantic", "hybrid" }[random.Next(3)] }, "ok"),
    };

    private static long ManagedMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

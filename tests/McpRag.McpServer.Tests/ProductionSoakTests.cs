using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The soak at the shape a provider runs: two real <c>mcprag serve --transport http</c> replicas sharing one real
/// Redis, clients spread over 20 tenants (the four sample tenants and sixteen with an index of their own, which the
/// soak's upserts fill) making mixed search, fetch, upsert and delete calls with some invalid ones, and Redis killed
/// part-way and restarted on the same port later. Every outcome must be the expected one, no hit may come from
/// another tenant, each replica's threads and open files stay bounded, and once Redis is back the replicas again
/// admit exactly one shared quota. The default run is short; <c>MCPRAG_TEST_SOAK_SECONDS=60</c> and
/// <c>MCPRAG_TEST_SOAK_CLIENTS=32</c> give the full shape.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ProductionSoakTests(SampleDeployment deployment)
{
    private const int ExtraTenants = 16;
    private const int MaxCallsPerClient = 20_000;
    private const int CallsPerSession = 8;
    private const string QuotaTenant = "soak-quota";
    private const int QuotaBurst = 10;
    private const int QuotaPerMinute = 30;
    private static readonly string[] Queries = ["refund", "password reset", "business hours", "escalation", "insurance claim", "cancel my order", "lost baggage", "esim", "soak ledger"];
    private static readonly string[] Modes = ["keyword", "semantic", "hybrid"];

    [Fact]
    public async Task MixedCalls_TwoReplicasTwentyTenantsRedisRestarted_OnlyExpectedOutcomesNoLeaksSharedQuota()
    {
        var seconds = Setting("MCPRAG_TEST_SOAK_SECONDS", 15);
        var clientCount = Setting("MCPRAG_TEST_SOAK_CLIENTS", 8);
        var ct = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var run = Guid.NewGuid().ToString("n")[..8];
        var extra = Enumerable.Range(1, ExtraTenants).Select(i => $"soak-{i:00}").ToArray();
        var tenantsFile = await WriteTenantsAsync(run, extra);

        var redis = await RedisServer.StartAsync();
        try
        {
            await using var one = await StartReplicaAsync($"{run}-one", tenantsFile, redis.Configuration);
            await using var two = await StartReplicaAsync($"{run}-two", tenantsFile, redis.Configuration);
            ServerProcess[] replicas = [one, two];
            var before = replicas.Select(r => Resources.Read(r.Id)).ToArray();

            var outcomes = new ConcurrentDictionary<string, int>();
            var unexpected = new ConcurrentQueue<string>();
            var calls = 0;
            var hits = 0;
            var soak = Stopwatch.StartNew();
            var duration = TimeSpan.FromSeconds(seconds);

            // Redis goes away a third of the way in and comes back (empty, on the same port) two thirds of the way in.
            var outage = Task.Run(async () =>
            {
                await Task.Delay(duration / 3, ct);
                redis.Stop();
                await Task.Delay(duration / 3, ct);
                var restarted = await RedisServer.StartAsync(redis.Port);
                redis.Dispose();
                redis = restarted;
            }, ct);

            await Parallel.ForEachAsync(Enumerable.Range(0, clientCount), new ParallelOptions { MaxDegreeOfParallelism = clientCount, CancellationToken = ct }, async (n, token) =>
            {
                var random = new Random(1000 + n);
                var replica = n % 2;
                // Each of the extra tenants is written through one replica only, so its writes never wait on the
                // other process's write lock; the sample tenants (read only here) are served by both.
                var tenants = SampleDeployment.SampleTenants.Concat(extra.Where((_, i) => i % 2 == replica)).ToArray();
                var live = tenants.ToDictionary(t => t, _ => new List<string>());
                var made = 0;
                var next = n;
                while (soak.Elapsed < duration && made < MaxCallsPerClient)
                {
                    var tenant = tenants[next++ % tenants.Length];
                    var sample = SampleDeployment.Domains.ContainsKey(tenant);
                    var scope = sample ? "rag:read" : "rag:read rag:write";
                    await using var client = await McpClients.HttpAsync(replicas[replica].McpEndpoint, deployment.Tokens.Valid(tenant, scope, $"soak-client-{n}"));
                    for (var i = 0; i < CallsPerSession && soak.Elapsed < duration; i++, made++)
                    {
                        var call = sample ? SampleCall(random) : ExtraCall(random, tenant, n, live[tenant], made);
                        var result = await client.CallAsync(call.Tool, call.Arguments);
                        Interlocked.Increment(ref calls);
                        var outcome = result.IsError == true ? result.ErrorCode() : "ok";
                        outcomes.AddOrUpdate($"{call.Tool}:{outcome}", 1, (_, v) => v + 1);
                        if (outcome != call.Expected)
                        {
                            unexpected.Enqueue($"{tenant} {call.Tool} {JsonSerializer.Serialize(call.Arguments)} expected {call.Expected}, got {outcome}: {result.Text()}");
                            continue;
                        }

                        if (result.IsError == true)
                        {
                            ErrorHygiene.AssertClean(result.Text(), tenant, deployment.DataDir);
                            continue;
                        }

                        var content = result.StructuredContent!.Value;
                        switch (call.Tool)
                        {
                            case "search":
                                foreach (var hit in content.GetProperty("results").EnumerateArray())
                                {
                                    Interlocked.Increment(ref hits);
                                    if (!Belongs(tenant, hit.GetProperty("url").GetString()!))
                                    {
                                        unexpected.Enqueue($"{tenant} got another tenant's hit {hit}");
                                    }
                                }

                                break;
                            case "fetch":
                                var owner = sample ? SampleDeployment.Companies[tenant] : $"[{tenant}]";
                                if (!content.GetProperty("text").GetString()!.Contains(owner, StringComparison.Ordinal) || (!sample && !Belongs(tenant, content.GetProperty("url").GetString()!)))
                                {
                                    unexpected.Enqueue($"{tenant} fetched a document that is not its own: {content}");
                                }

                                break;
                            case "delete_document" when !content.GetProperty("deleted").GetBoolean():
                                unexpected.Enqueue($"{tenant} delete of a stored document reported nothing deleted");
                                break;
                        }
                    }
                }
            });
            await outage;
            var soakSeconds = soak.Elapsed.TotalSeconds;
            var after = replicas.Select(r => Resources.Read(r.Id)).ToArray();

            // Redis came back empty: wait until each replica writes its buckets there again, then measure sharing.
            var reconnected = await BothReplicasUseRedisAsync(replicas, redis.Port, run);
            var (admitted, allowed) = await SharedQuotaAsync(replicas, run);
            var audited = await CountAuditedAsync([$"{run}-one", $"{run}-two"], admitted);

            output?.WriteLine($"production soak: {seconds} s x {clientCount} clients over 2 replicas and {SampleDeployment.SampleTenants.Length + ExtraTenants} tenants, " +
                $"Redis killed at {seconds / 3} s and restarted at {2 * seconds / 3} s; {calls} calls in {soakSeconds:F0} s, {hits} hits all of the caller's tenant, {unexpected.Count} unexpected");
            output?.WriteLine("outcomes: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} x{o.Value}")));
            for (var i = 0; i < replicas.Length; i++)
            {
                output?.WriteLine($"replica {i + 1}: RSS {before[i].RssMiB} -> {after[i].RssMiB} MiB, threads {before[i].Threads} -> {after[i].Threads}, open fds {before[i].Fds} -> {after[i].Fds}");
            }

            output?.WriteLine($"after Redis returned: shared quota admitted {admitted} of 30 calls (burst {QuotaBurst}, at most {allowed} allowed), {audited} audited ok");

            Assert.True(unexpected.IsEmpty, string.Join("\n", unexpected.Take(10)));
            Assert.True(calls > clientCount * CallsPerSession, "the soak made almost no calls");
            Assert.True(hits > 0, "no search returned a hit");
            Assert.True(reconnected, "a replica did not use Redis again after it restarted");
            Assert.InRange(admitted, QuotaBurst, allowed);
            Assert.Equal(admitted, audited);
            for (var i = 0; i < replicas.Length; i++)
            {
                Assert.False(replicas[i].HasExited, $"replica {i + 1} exited");
                // The outage really happened under load: each replica noticed it and fell back to its local limits.
                Assert.Contains(replicas[i].StandardError, line => line.Contains("Redis throttling store unreachable", StringComparison.Ordinal));
                // Index files of the tenants it writes, plus a few sockets per client still connected.
                Assert.True(after[i].Fds - before[i].Fds < 200 + 4 * clientCount, $"replica {i + 1} open files grew from {before[i].Fds} to {after[i].Fds}");
                Assert.True(after[i].Threads < 200, $"replica {i + 1} runs {after[i].Threads} threads");
                Assert.True(after[i].RssMiB < 4096, $"replica {i + 1} resident memory is {after[i].RssMiB} MiB");
            }
        }
        finally
        {
            redis.Dispose();
        }
    }

    private static (string Tool, Dictionary<string, object?> Arguments, string Expected) SampleCall(Random random) => random.Next(10) switch
    {
        0 => ("search", new() { ["query"] = "" }, "invalid_argument"),
        1 => ("fetch", new(), "invalid_argument"),
        2 => ("fetch", new() { ["id"] = "missing-" + random.Next(1000).ToString(CultureInfo.InvariantCulture) }, "not_found"),
        3 => ("fetch", new() { ["id"] = "refund-policy" }, "ok"),
        _ => SearchCall(random),
    };

    /// <summary>
    /// A call on an extra tenant. Each client writes only ids of its own, so it knows which of them are stored; every
    /// document names its tenant in its text and url.
    /// </summary>
    private static (string Tool, Dictionary<string, object?> Arguments, string Expected) ExtraCall(Random random, string tenant, int client, List<string> live, int made)
    {
        var pick = random.Next(10);
        if (pick <= 2 && live.Count < 20)
        {
            var id = $"c{client}-{made}";
            live.Add(id);
            return ("upsert_document", new()
            {
                ["id"] = id,
                ["title"] = $"Soak ledger {id}",
                ["text"] = $"[{tenant}] Soak ledger entry {id}: refund requests are answered within {random.Next(1, 30)} business hours; escalation goes to the duty desk.",
                ["url"] = $"https://docs.example/{tenant}/{id}",
                ["attributes"] = new Dictionary<string, object> { ["category"] = "ledger" },
            }, "ok");
        }

        if (pick <= 3)
        {
            if (live.Count == 0)
            {
                return ("delete_document", new() { ["id"] = $"never-{client}-{made}" }, "not_found");
            }

            var id = live[random.Next(live.Count)];
            live.Remove(id);
            return ("delete_document", new() { ["id"] = id }, "ok");
        }

        return pick switch
        {
            4 when live.Count > 0 => ("fetch", new() { ["id"] = live[random.Next(live.Count)] }, "ok"),
            4 => ("fetch", new() { ["id"] = $"never-{client}-{made}" }, "not_found"),
            5 => ("fetch", new(), "invalid_argument"),
            6 => ("search", new() { ["query"] = "" }, "invalid_argument"),
            _ => SearchCall(random),
        };
    }

    private static (string Tool, Dictionary<string, object?> Arguments, string Expected) SearchCall(Random random) =>
        ("search", new() { ["query"] = Queries[random.Next(Queries.Length)], ["top_k"] = random.Next(1, 20), ["mode"] = Modes[random.Next(Modes.Length)] }, "ok");

    /// <summary>Sample tenants link to their own domain; the extra tenants' documents carry the tenant in their url.</summary>
    private static bool Belongs(string tenant, string url) =>
        SampleDeployment.Domains.TryGetValue(tenant, out var domain)
            ? new Uri(url).Host.EndsWith("." + domain, StringComparison.Ordinal)
            : url.StartsWith($"https://docs.example/{tenant}/", StringComparison.Ordinal);

    private async Task<string> WriteTenantsAsync(string run, string[] extra)
    {
        var tenants = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Samples, "tenants.json")))!;
        foreach (var (_, route) in tenants["tenants"]!.AsObject())
        {
            route!.AsObject().Remove("quota");
        }

        foreach (var tenant in extra)
        {
            tenants["tenants"]![tenant] = new JsonObject { ["isolation"] = "index", ["index"] = $"{tenant}-{run}" };
        }

        tenants["tenants"]![QuotaTenant] = new JsonObject
        {
            ["isolation"] = "index",
            ["index"] = $"{QuotaTenant}-{run}",
            ["quota"] = new JsonObject { ["requestsPerMinute"] = QuotaPerMinute, ["burst"] = QuotaBurst, ["subjectRequestsPerMinute"] = QuotaPerMinute, ["subjectBurst"] = QuotaBurst },
        };
        foreach (var replica in new[] { "one", "two" })
        {
            tenants["tenants"]![$"soak-probe-{replica}"] = new JsonObject { ["isolation"] = "index", ["index"] = $"soak-probe-{run}" };
        }

        var file = Path.Combine(deployment.DataDir, $"soak-tenants-{run}.json");
        await File.WriteAllTextAsync(file, tenants.ToJsonString());
        return file;
    }

    private Task<ServerProcess> StartReplicaAsync(string name, string tenantsFile, string redis)
    {
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = deployment.DataDir,
                ["Tenants"] = new JsonObject { ["File"] = tenantsFile },
                // Replicas of one deployment share its public URL, and so the audience of its tokens.
                ["Auth"] = new JsonObject { ["ResourceUrl"] = deployment.McpEndpoint.ToString() },
                ["Throttling"] = new JsonObject
                {
                    ["Store"] = "redis",
                    ["Redis"] = redis,
                    // High enough that no soak tenant is throttled: only the quota tenant's small quota can refuse.
                    ["DefaultQuota"] = new JsonObject
                    {
                        ["RequestsPerMinute"] = 100_000, ["Burst"] = 100_000, ["SubjectRequestsPerMinute"] = 100_000, ["SubjectBurst"] = 100_000,
                        ["MaxConcurrent"] = 256, ["EmbeddedChunksPerMinute"] = 100_000,
                    },
                },
                ["Audit"] = new JsonObject { ["Directory"] = AuditDirectory(name) },
            },
        };
        return ServerProcess.StartAsync(Path.Combine(deployment.DataDir, $"soak-replica-{name}.json"), config);
    }

    /// <summary>
    /// Calls a probe tenant through each replica until Redis holds that replica's bucket, which it writes only when
    /// its connection is back (until then it decides with local limits).
    /// </summary>
    private async Task<bool> BothReplicasUseRedisAsync(ServerProcess[] replicas, int port, string run)
    {
        var names = new[] { "one", "two" };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < replicas.Length; i++)
            {
                await using var client = await McpClients.HttpAsync(replicas[i].McpEndpoint, deployment.Tokens.Valid($"soak-probe-{names[i]}", subject: $"probe-{run}"));
                (await client.CallAsync("search", new() { ["query"] = "probe" })).Ok();
            }

            var keys = await RedisKeysAsync(port, "*mcprag:soak-probe-*");
            if (names.All(name => keys.Any(k => k.Contains($"mcprag:soak-probe-{name}:", StringComparison.Ordinal))))
            {
                return true;
            }

            await Task.Delay(500, TestContext.Current.CancellationToken);
        }

        return false;
    }

    /// <summary>30 calls with a fresh subject each, alternating replicas, on a tenant with burst 10 and 30 a minute.</summary>
    private async Task<(int Admitted, int Allowed)> SharedQuotaAsync(ServerProcess[] replicas, string run)
    {
        var started = Stopwatch.GetTimestamp();
        var admitted = 0;
        for (var i = 0; i < 30; i++)
        {
            await using var client = await McpClients.HttpAsync(replicas[i % 2].McpEndpoint, deployment.Tokens.Valid(QuotaTenant, subject: $"quota-{run}-{i}"));
            var result = await client.CallAsync("search", new() { ["query"] = "ledger" });
            if (result.IsError == true)
            {
                Assert.Equal("throttled", result.ErrorCode());
            }
            else
            {
                admitted++;
            }
        }

        return (admitted, QuotaBurst + (int)Math.Ceiling(QuotaPerMinute * Stopwatch.GetElapsedTime(started).TotalMinutes));
    }

    private string AuditDirectory(string replica) => Path.Combine(deployment.DataDir, "soak-audit", replica);

    private async Task<int> CountAuditedAsync(string[] replicas, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int count;
        do
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            count = replicas
                .SelectMany(r => AuditFiles.Read(AuditDirectory(r)))
                .Count(e => e.TryGetProperty("tenant", out var tenant) && tenant.GetString() == QuotaTenant && e.GetProperty("outcome").GetString() == "ok");
        }
        while (count < expected && DateTime.UtcNow < deadline);

        return count;
    }

    /// <summary>The keys matching <paramref name="pattern"/>, read with one RESP <c>KEYS</c> command.</summary>
    private static async Task<IReadOnlyList<string>> RedisKeysAsync(int port, string pattern)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
        await using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream);
        await using var writer = new StreamWriter(stream) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync($"*2\r\n$4\r\nKEYS\r\n${pattern.Length}\r\n{pattern}");
        var header = await reader.ReadLineAsync() ?? "";
        var count = header.StartsWith('*') ? int.Parse(header[1..], CultureInfo.InvariantCulture) : 0;
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            await reader.ReadLineAsync();
            keys.Add(await reader.ReadLineAsync() ?? "");
        }

        return keys;
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    /// <summary>A replica's resident memory, threads and open file descriptors, from <c>/proc</c>.</summary>
    private sealed record Resources(long RssMiB, int Threads, int Fds)
    {
        public static Resources Read(int pid)
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            long Field(string name) => long.Parse(status.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return new Resources(Field("VmRSS") / 1024, (int)Field("Threads"), Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
        }
    }
}

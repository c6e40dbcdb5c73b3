using System.Collections.Concurrent;
using System.Diagnostics;
using McpRag.Benchmarks.Reporting;
using ModelContextProtocol.Client;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// Drives MCP servers with the SDK's own <see cref="McpClient"/>: sequential calls for latency, then N clients
/// calling back to back for a fixed time for throughput. Every run is repeated and reported as median and p99;
/// a failed call fails the run rather than being counted as fast.
/// </summary>
internal sealed class LoadGenerator(TimeSpan window, int repeats, int warmupCalls)
{
    public async Task<Summary> SequentialAsync(LoadTarget target, int calls, CancellationToken cancellationToken)
    {
        await using var client = await target.Connect(cancellationToken);
        for (var i = 0; i < warmupCalls; i++)
        {
            await target.Call(client, i, cancellationToken);
        }

        var latencies = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await target.Call(client, i, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return Summary.Of(latencies);
    }

    public async Task<ConcurrencyResult> ConcurrentAsync(LoadTarget target, int clientCount, CancellationToken cancellationToken)
    {
        var clients = new List<McpClient>(clientCount);
        try
        {
            for (var i = 0; i < clientCount; i++)
            {
                var client = await target.Connect(cancellationToken);
                clients.Add(client);
                for (var w = 0; w < Math.Max(1, warmupCalls / clientCount); w++)
                {
                    await target.Call(client, w, cancellationToken);
                }
            }

            var rates = new List<double>(repeats);
            var latencies = new ConcurrentBag<double>();
            var total = 0;
            for (var run = 0; run < repeats; run++)
            {
                var counts = new int[clientCount];
                var stopAt = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
                var started = Stopwatch.GetTimestamp();
                await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
                {
                    var sequence = c * 7919;
                    while (Stopwatch.GetTimestamp() < stopAt)
                    {
                        var callStarted = Stopwatch.GetTimestamp();
                        await target.Call(client, sequence++, cancellationToken);
                        latencies.Add(Stopwatch.GetElapsedTime(callStarted).TotalMilliseconds);
                        counts[c]++;
                    }
                }, cancellationToken)));
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                rates.Add(counts.Sum() / elapsed);
                total += counts.Sum();
            }

            return new ConcurrencyResult(target.Name, clientCount, Summary.Of(rates), Summary.Of(latencies.ToArray()), total);
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

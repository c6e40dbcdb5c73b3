using System.Collections.Concurrent;
using System.Diagnostics;
using McpRag.Benchmarks.Reporting;
using ModelContextProtocol.Client;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// Drives MCP servers with the SDK's own <see cref="McpClient"/>: sequential calls for latency, then N clients
/// calling back to back for a fixed time for throughput. Every run is repeated and reported as median and p99;
/// a failed call fails the run rather than being counted as fast. Every call of the generator's life gets the next
/// sequence number (so query text never repeats), and a server's CPU time can be read around each measured phase.
/// </summary>
internal sealed class LoadGenerator(TimeSpan window, int repeats, int warmupCalls)
{
    private int _sequence = -1;

    /// <summary>
    /// Two clients calling back to back for three windows, not recorded: a fresh server runs unoptimised (tier-0)
    /// code for its first calls of each kind and keeps recompiling the hot paths for many seconds after (on this
    /// machine, server CPU per keyword search fell from 3.6 to 1.8 ms between the first and second 10-second rounds),
    /// which would otherwise land in the measurements.
    /// </summary>
    public async Task WarmAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        var clients = new List<McpClient>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                clients.Add(await target.Connect(cancellationToken));
            }

            var stopAt = Stopwatch.GetTimestamp() + (long)(3 * window.TotalSeconds * Stopwatch.Frequency);
            await Task.WhenAll(clients.Select(client => Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    await target.Call(client, Next(), cancellationToken);
                }
            }, cancellationToken)));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Sequential latency on one client. <paramref name="ownProcess"/>: each connection starts a server process of its
    /// own (stdio), which <see cref="WarmAsync"/> cannot warm, so the measured client calls for one window first.
    /// </summary>
    public async Task<Summary> SequentialAsync(LoadTarget target, int calls, CancellationToken cancellationToken, bool ownProcess = false)
    {
        await using var client = await target.Connect(cancellationToken);
        var warmUntil = Stopwatch.GetTimestamp() + (ownProcess ? (long)(window.TotalSeconds * Stopwatch.Frequency) : 0);
        for (var i = 0; i < warmupCalls || Stopwatch.GetTimestamp() < warmUntil; i++)
        {
            await target.Call(client, Next(), cancellationToken);
        }

        var latencies = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var sequence = Next();
            var started = Stopwatch.GetTimestamp();
            await target.Call(client, sequence, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return Summary.Of(latencies);
    }

    /// <summary>N clients for the window, repeated; <c>serverCpu</c> reads the server's CPU time so far (null: not known).</summary>
    public async Task<ConcurrencyResult> ConcurrentAsync(LoadTarget target, int clientCount, Func<TimeSpan>? serverCpu, CancellationToken cancellationToken)
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
                    await target.Call(client, Next(), cancellationToken);
                }
            }

            var rates = new List<double>(repeats);
            var latencies = new ConcurrentBag<double>();
            var total = 0;
            var first = Volatile.Read(ref _sequence) + 1;
            var cpuBefore = serverCpu?.Invoke();
            for (var run = 0; run < repeats; run++)
            {
                var counts = new int[clientCount];
                var stopAt = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
                var started = Stopwatch.GetTimestamp();
                await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
                {
                    while (Stopwatch.GetTimestamp() < stopAt)
                    {
                        var sequence = Next();
                        var callStarted = Stopwatch.GetTimestamp();
                        await target.Call(client, sequence, cancellationToken);
                        latencies.Add(Stopwatch.GetElapsedTime(callStarted).TotalMilliseconds);
                        counts[c]++;
                    }
                }, cancellationToken)));
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                rates.Add(counts.Sum() / elapsed);
                total += counts.Sum();
            }

            double? cpuPerCall = serverCpu is null ? null : (serverCpu() - cpuBefore!.Value).TotalMilliseconds / total;
            return new ConcurrencyResult(target.Name, clientCount, Summary.Of(rates), Summary.Of(latencies.ToArray()), total)
            {
                ServerCpuMsPerCall = cpuPerCall,
                FirstSequence = first,
                LastSequence = Volatile.Read(ref _sequence),
            };
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private int Next() => Interlocked.Increment(ref _sequence);
}

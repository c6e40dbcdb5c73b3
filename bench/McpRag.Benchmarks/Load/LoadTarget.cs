using ModelContextProtocol.Client;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// One series of the load test: how to connect a client (each simulated client gets its own MCP session) and
/// what one call is. <paramref name="Call"/> receives the call's sequence number, so queries can rotate.
/// </summary>
internal sealed record LoadTarget(string Name, Func<CancellationToken, Task<McpClient>> Connect, Func<McpClient, int, CancellationToken, Task> Call);

using System.Diagnostics;
using System.Net.Sockets;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian package, installed by <c>.ci/run</c>) on a free loopback port, owned by one
/// test so it can be stopped mid-run. Tests skip with a visible reason where the binary is missing.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts redis-server on <paramref name="port"/> (a restart on the port of a stopped one) or on a free port.</summary>
    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            Assert.Skip("redis-server is not installed (.ci/run installs the Debian package: apt-get install redis-server)");
        }

        var chosen = port ?? FreePort();
        var process = Process.Start(new ProcessStartInfo(binary, ["--port", chosen.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync("127.0.0.1", chosen, attempt.Token);
                return new RedisServer(process, chosen);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                await Task.Delay(50);
            }
        }

        ProcessExit.Kill(process, "redis-server");
        process.Dispose();
        throw new InvalidOperationException("redis-server did not start within 10 s");
    }

    public void Stop() => ProcessExit.Kill(_process, "redis-server");

    public void Dispose()
    {
        try
        {
            Stop();
        }
        finally
        {
            _process.Dispose();
        }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

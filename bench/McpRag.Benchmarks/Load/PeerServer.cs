using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ModelContextProtocol.Client;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// The TypeScript reference MCP server (<c>@modelcontextprotocol/server-everything</c>), installed with npm into
/// the bench data folder at bench time (never committed) and run on a free loopback port in streamable HTTP
/// mode; its <c>echo</c> tool is the peer baseline. Also runnable over stdio for a latency comparison.
/// </summary>
internal sealed class PeerServer : IAsyncDisposable
{
    public const string Package = "@modelcontextprotocol/server-everything";
    private readonly Process _process;

    private PeerServer(Process process, Uri endpoint, string version)
    {
        _process = process;
        Endpoint = endpoint;
        Version = version;
    }

    public Uri Endpoint { get; }

    public string Version { get; }

    /// <summary>Installs the package (once) and returns its entry script, or <c>null</c> with the reason on stderr.</summary>
    public static async Task<(string Script, string Version)?> InstallAsync(string folder, CancellationToken cancellationToken)
    {
        var script = Path.Combine(folder, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
        if (!File.Exists(script))
        {
            Directory.CreateDirectory(folder);
            if (!File.Exists(Path.Combine(folder, "package.json")))
            {
                await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), """{"name":"mcprag-bench-peer","private":true}""", cancellationToken);
            }

            var exit = await RunAsync("npm", ["install", "--no-audit", "--no-fund", Package], folder, cancellationToken);
            if (exit != 0 || !File.Exists(script))
            {
                Console.Error.WriteLine($"peer: npm install {Package} failed (exit {exit}); the peer comparison is skipped");
                return null;
            }
        }

        var manifest = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(script))!, "package.json"), cancellationToken));
        return (script, manifest.RootElement.GetProperty("version").GetString() ?? "?");
    }

    public static async Task<PeerServer> StartHttpAsync(string script, string version, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("node", [script, "streamableHttp"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment = { ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var listening = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening", StringComparison.OrdinalIgnoreCase) == true)
            {
                listening.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new PeerServer(process, new Uri($"http://127.0.0.1:{port}/mcp"), version);
    }

    /// <summary>User + system CPU time the node process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public Task<McpClient> ConnectAsync(CancellationToken cancellationToken) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = Endpoint, TransportMode = HttpTransportMode.StreamableHttp }), cancellationToken: cancellationToken);

    public static Task<McpClient> ConnectStdioAsync(string script, CancellationToken cancellationToken) =>
        McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions { Name = "everything", Command = "node", Arguments = [script, "stdio"] }), cancellationToken: cancellationToken);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<int> RunAsync(string command, string[] arguments, string folder, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command, arguments) { WorkingDirectory = folder, RedirectStandardOutput = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

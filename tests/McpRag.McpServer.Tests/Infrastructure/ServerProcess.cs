using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// The real <c>mcprag serve --transport http</c> process, as an operator runs a replica: its own configuration file
/// layered over the deployment's, its stderr collected for assertions.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Enqueue(e.Data);
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public Uri BaseAddress { get; }

    public Uri McpEndpoint => new(BaseAddress, "/mcp");

    public bool HasExited => _process.HasExited;

    /// <summary>The replica's process id, for reading its resource use from <c>/proc</c>.</summary>
    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyCollection<string> StandardError => _stderr.ToArray();

    /// <summary>Starts a replica with <paramref name="config"/> (a complete McpRag configuration) and waits until it is ready.</summary>
    public static async Task<ServerProcess> StartAsync(string configFile, JsonObject config, IReadOnlyDictionary<string, string>? environment = null)
    {
        await File.WriteAllTextAsync(configFile, config.ToJsonString());
        var baseAddress = new Uri($"http://127.0.0.1:{RedisServer.FreePort()}");
        var start = new ProcessStartInfo("dotnet", [RepositoryPaths.ServerDll, "serve", "--transport", "http", "--dev", "--urls", baseAddress.ToString().TrimEnd('/'), "--config", configFile])
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var server = new ServerProcess(process, baseAddress);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(baseAddress, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new InvalidOperationException("mcprag did not become ready:\n" + string.Join("\n", server.StandardError));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ProcessExit.KillAsync(_process, "mcprag serve --transport http");
        }
        finally
        {
            _process.Dispose();
        }
    }
}

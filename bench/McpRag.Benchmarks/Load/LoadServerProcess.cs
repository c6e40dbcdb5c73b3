using System.Diagnostics;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// The server under load in a process of its own (<c>mcprag-bench load-server</c>): the real HTTP host with the
/// no-op tool, so its CPU time (user + system, which .NET reads from <c>/proc/&lt;pid&gt;/stat</c> on Linux) can be
/// read over each phase without the load generator's own work in it. The child prints its endpoint and a
/// development token on one stdout line when it listens, and stops when its stdin closes.
/// </summary>
internal sealed class LoadServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private LoadServerProcess(Process process, Uri endpoint, string token)
    {
        _process = process;
        Endpoint = endpoint;
        Token = token;
    }

    public Uri Endpoint { get; }

    public string Token { get; }

    public int ProcessId => _process.Id;

    /// <summary>User + system CPU time the server has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Resident memory of the server now, in MB.</summary>
    public double RssMb()
    {
        _process.Refresh();
        return _process.WorkingSet64 / 1024d / 1024d;
    }

    public static async Task<LoadServerProcess> StartAsync(BenchPaths paths, string dataDir, CancellationToken cancellationToken)
    {
        var start = ChildProcess.StartInfo(paths, ["load-server", "--data", dataDir]);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the load server");
        var line = await process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        var parts = line?.Split('\t');
        if (parts is not ["ready", var endpoint, var token])
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("the load server did not start (see its messages above)");
        }

        return new LoadServerProcess(process, new Uri(endpoint), token);
    }

    /// <summary>The child's side: serves the deployment in <paramref name="dataDir"/> until stdin closes.</summary>
    public static async Task ServeAsync(string dataDir, CancellationToken cancellationToken)
    {
        var deployment = Hosting.BenchDeployment.Open(dataDir);
        await using var app = await deployment.StartHttpAsync();
        var token = Hosting.BenchDeployment.TokenFor(app.Services, LoadBenchmark.Tenant);
        await Console.Out.WriteLineAsync($"ready\t{Hosting.BenchDeployment.EndpointOf(app)}\t{token}");
        await Console.Out.FlushAsync(cancellationToken);
        await Console.In.ReadToEndAsync(cancellationToken);
        await app.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

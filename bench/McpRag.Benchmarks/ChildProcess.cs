using System.Diagnostics;

namespace McpRag.Benchmarks;

/// <summary>Runs another verb of this harness in a fresh process (same runtime, same repository), stderr shared.</summary>
internal static class ChildProcess
{
    public static async Task RunAsync(BenchPaths paths, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the running executable");
        var start = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new ProcessStartInfo(host, [typeof(ChildProcess).Assembly.Location, .. arguments])
            : new ProcessStartInfo(host, arguments);
        start.WorkingDirectory = paths.Root;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a benchmark process");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', arguments)}' failed with exit code {process.ExitCode}");
        }
    }
}

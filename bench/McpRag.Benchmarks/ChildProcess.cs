using System.Diagnostics;

namespace McpRag.Benchmarks;

/// <summary>Runs another verb of this harness in a fresh process (same runtime, same repository), stderr shared.</summary>
internal static class ChildProcess
{
    public static async Task RunAsync(BenchPaths paths, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(paths, arguments)) ?? throw new InvalidOperationException("could not start a benchmark process");
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', arguments)}' failed with exit code {process.ExitCode}");
        }
    }

    /// <summary>How to start another verb of this harness: the same executable (or <c>dotnet</c> with this assembly), in the repository root.</summary>
    public static ProcessStartInfo StartInfo(BenchPaths paths, IReadOnlyList<string> arguments)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the running executable");
        var start = Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? new ProcessStartInfo(host, [typeof(ChildProcess).Assembly.Location, .. arguments])
            : new ProcessStartInfo(host, arguments);
        start.WorkingDirectory = paths.Root;
        return start;
    }
}

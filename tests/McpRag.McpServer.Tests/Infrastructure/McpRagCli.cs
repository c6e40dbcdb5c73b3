using System.Diagnostics;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>Runs a verb of the real <c>mcprag</c> program to its end and returns its exit code and output.</summary>
internal static class McpRagCli
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>The outcome of a verb that must succeed; fails the test with its stderr otherwise.</summary>
    public static Outcome Ok(Outcome outcome)
    {
        Assert.True(outcome.ExitCode == 0, $"exit {outcome.ExitCode}: {outcome.Stderr}");
        return outcome;
    }

    public static async Task<Outcome> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(RepositoryPaths.ServerDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var verb = "mcprag " + string.Join(' ', arguments);
        await ProcessExit.WaitAsync(process, TimeSpan.FromMinutes(5), verb, () => ProcessExit.TextAsync(stderr, "stderr"));
        return new Outcome(process.ExitCode, await ProcessExit.TextAsync(stdout, "stdout"), await ProcessExit.TextAsync(stderr, "stderr"));
    }
}

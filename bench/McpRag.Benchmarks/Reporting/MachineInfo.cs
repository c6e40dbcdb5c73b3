using System.Diagnostics;
using System.Runtime.InteropServices;

namespace McpRag.Benchmarks.Reporting;

/// <summary>What the figures were measured on: CPU, cores, memory, OS, runtime, commit, and how busy the machine was.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, double MemoryGb, string Os, string Runtime, string Commit, string LoadAverage, DateTimeOffset At)
{
    public static MachineInfo Capture(string repositoryRoot) => new(
        ReadCpu(), Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0, RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription, ReadCommit(repositoryRoot), LoadAverageNow(), DateTimeOffset.UtcNow);

    /// <summary>The 1-, 5- and 15-minute load averages now, or <c>n/a</c> where the system does not say.</summary>
    public static string LoadAverageNow() => Read("/proc/loadavg") is { } load ? string.Join(' ', load.Split(' ').Take(3)) : "n/a";

    private static string ReadCpu() =>
        Read("/proc/cpuinfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static string ReadCommit(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["rev-parse", "--short=12", "HEAD"]) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            using var status = Process.Start(new ProcessStartInfo("git", ["status", "--porcelain", "--untracked-files=no"]) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var dirty = status.StandardOutput.ReadToEnd().Trim().Length > 0;
            status.WaitForExit();
            return commit + (dirty ? " (with uncommitted changes)" : "");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static string? Read(string file) => File.Exists(file) ? File.ReadAllText(file) : null;
}

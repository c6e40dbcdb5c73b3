using System.Diagnostics;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>The bounded waits every process-starting test uses: a process that does not exit fails the test instead of hanging the run.</summary>
public sealed class ProcessExitTests
{
    [Fact]
    public async Task WaitAsync_ProcessThatDoesNotExit_KillsItAndFailsNamingIt()
    {
        using var sleeper = StartSleep();

        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() =>
            ProcessExit.WaitAsync(sleeper, TimeSpan.FromMilliseconds(200), "sleep 600", () => Task.FromResult("its stderr")));

        Assert.Equal("sleep 600 did not exit within 0.2 s and was killed: its stderr", failure.Message);
        Assert.True(sleeper.HasExited);
    }

    [Fact]
    public async Task KillAsync_RunningAndExitedProcess_EndsBothWithinTheTimeout()
    {
        using var sleeper = StartSleep();

        await ProcessExit.KillAsync(sleeper, "sleep 600");
        await ProcessExit.KillAsync(sleeper, "sleep 600");

        Assert.True(sleeper.HasExited);
    }

    private static Process StartSleep()
    {
        Assert.SkipUnless(File.Exists("/bin/sleep") || File.Exists("/usr/bin/sleep"), "needs the sleep command");
        return Process.Start(new ProcessStartInfo("sleep", ["600"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
    }
}

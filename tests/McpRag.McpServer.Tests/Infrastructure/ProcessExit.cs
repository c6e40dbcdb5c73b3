using System.Diagnostics;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// Bounded waits on processes a test started. <see cref="Process.WaitForExitAsync"/> without a deadline, or with the
/// test's own token (cancelled only when the whole run is), can hang a run for as long as a child or a grandchild
/// holding its pipes lives; every wait here ends within its timeout, kills the process tree, and fails with what it
/// waited for.
/// </summary>
internal static class ProcessExit
{
    /// <summary>How long a killed process may take to be reaped and to close its pipes.</summary>
    public static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a pipe of an exited process may stay open (a grandchild may still hold it).</summary>
    public static readonly TimeSpan PipeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Waits up to <paramref name="timeout"/> for the process to exit; otherwise kills its tree and fails the test naming <paramref name="what"/>.</summary>
    public static async Task WaitAsync(Process process, TimeSpan timeout, string what, Func<Task<string>>? diagnostics = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await KillAsync(process, what);
            var detail = diagnostics is null ? string.Empty : ": " + await diagnostics();
            throw new Xunit.Sdk.XunitException($"{what} did not exit within {timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s and was killed{detail}");
        }
    }

    /// <summary>
    /// Kills the process tree if it still runs and waits (bounded) until it is gone; fails the test when it does not go.
    /// Safe on a process that already exited.
    /// </summary>
    public static async Task KillAsync(Process process, string what)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill, or never started: nothing left to kill.
            return;
        }

        using var deadline = new CancellationTokenSource(KillTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"{what} (pid {process.Id}) was killed but did not exit (or close its output) within {KillTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Synchronous <see cref="KillAsync"/>, for <see cref="IDisposable.Dispose"/>.</summary>
    public static void Kill(Process process, string what)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            return;
        }

        if (!process.WaitForExit(KillTimeout))
        {
            throw new Xunit.Sdk.XunitException($"{what} (pid {process.Id}) was killed but did not exit within {KillTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// The text of a pipe-reading task (<c>ReadToEndAsync</c>), waiting at most <see cref="PipeTimeout"/>: a pipe a
    /// grandchild keeps open never ends, and the test must not wait for it.
    /// </summary>
    public static async Task<string> TextAsync(Task<string> read, string what)
    {
        try
        {
            return await read.WaitAsync(PipeTimeout);
        }
        catch (TimeoutException)
        {
            return $"({what} still open after {PipeTimeout.TotalSeconds:0} s)";
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace McpRag.Retrieval.Diagnostics;

/// <summary>
/// Named steps of the write path where the crash-safety tests stop the process. With
/// <c>MCPRAG_TEST_CRASH_AT=step:n</c> in the environment, the process kills itself (SIGKILL: no cleanup, no flush)
/// the n-th time it reaches that step, so a test lands a crash at an exact point instead of racing a timer. Without the
/// variable every call is a dictionary-free no-op. Never set it outside tests.
/// </summary>
public static class CrashPoints
{
    public const string Variable = "MCPRAG_TEST_CRASH_AT";

    /// <summary>After a document's chunks were handed to the index writer, before the batch is committed.</summary>
    public const string DocumentWritten = "document-written";

    /// <summary>After a delete was handed to the index writer, before it is committed.</summary>
    public const string DocumentDeleted = "document-deleted";

    /// <summary>Before the index commit starts.</summary>
    public const string BeforeCommit = "before-commit";

    /// <summary>Between Lucene's two commit phases: the new segments are written and synced, the commit point is not yet published.</summary>
    public const string CommitPrepared = "commit-prepared";

    /// <summary>After the commit is durable, before the caller is told.</summary>
    public const string AfterCommit = "after-commit";

    private static readonly (string Step, int Count)? Target = Parse(Environment.GetEnvironmentVariable(Variable));
    private static readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);

    public static void Reached(string step)
    {
        if (Target is not { } target || target.Step != step)
        {
            return;
        }

        if (Counts.AddOrUpdate(step, 1, (_, n) => n + 1) == target.Count)
        {
            Console.Error.WriteLine($"crash point {step}:{target.Count} reached; killing the process");
            Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    private static (string, int)? Parse(string? value) =>
        value?.Split(':') is [var step, var count] && int.TryParse(count, out var n) && n > 0 ? (step, n) : null;
}

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// What no response may contain: stack frames, exception type names, file paths of the deployment, runtime
/// namespaces, or the name of a tenant other than the caller's. Every error path the suite exercises is checked with it.
/// </summary>
internal static class ErrorHygiene
{
    private static readonly string[] Forbidden =
    [
        "Exception", "   at ", "System.", "Microsoft.", "Lucene", "McpRag.", ".cs:line", "/tmp/", "/home/", "/root/", "/work/", "\\Users\\", "stack",
    ];

    public static void AssertClean(string text, string? callerTenant = null, string? dataDir = null)
    {
        foreach (var marker in Forbidden)
        {
            Assert.False(text.Contains(marker, StringComparison.OrdinalIgnoreCase), $"response leaks '{marker}': {Shorten(text)}");
        }

        if (dataDir is not null)
        {
            Assert.False(text.Contains(dataDir, StringComparison.Ordinal), "response leaks the data directory: " + Shorten(text));
        }

        foreach (var tenant in SampleDeployment.SampleTenants.Append(SampleDeployment.WriteTenant).Where(t => t != callerTenant))
        {
            Assert.False(text.Contains(tenant, StringComparison.Ordinal), $"response names another tenant '{tenant}': {Shorten(text)}");
        }
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";
}

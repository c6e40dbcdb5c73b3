namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>Locates the repository (for the samples) and the built <c>mcprag</c> executable (for stdio tests).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>The real <c>mcprag</c> program, as built next to the tests.</summary>
    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "mcprag.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpRag.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (McpRag.sln) not found above the test binaries");
    }
}

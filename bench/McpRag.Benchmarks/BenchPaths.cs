namespace McpRag.Benchmarks;

/// <summary>
/// Where the harness keeps its state: built indexes (cached by corpus hash), raw results and the peer server's
/// npm install, under <c>bench/.data</c> (git-ignored); and where the report goes (<c>docs/</c>).
/// </summary>
internal sealed class BenchPaths(string repositoryRoot)
{
    public string Root { get; } = repositoryRoot;

    public string Data => Path.Combine(Root, "bench", ".data");

    public string Indexes => Path.Combine(Data, "indexes");

    public string Results => Path.Combine(Data, "results");

    public string Report => Path.Combine(Root, "docs", "benchmarks.md");

    public string Charts => Path.Combine(Root, "docs", "benchmarks");

    /// <summary>The repository root: the nearest folder above the working directory that holds McpRag.sln.</summary>
    public static BenchPaths Discover()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpRag.sln")))
            {
                return new BenchPaths(dir.FullName);
            }
        }

        throw new InvalidOperationException("run the benchmarks from inside the repository (McpRag.sln not found above the working directory)");
    }
}

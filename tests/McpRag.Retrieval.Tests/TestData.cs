using McpRag.Retrieval.Embeddings;

namespace McpRag.Retrieval.Tests;

/// <summary>Shared test resources: one embedding model per test run, and throw-away data folders.</summary>
internal static class TestData
{
    /// <summary>The real MiniLM model, loaded once for the whole run (it is thread-safe).</summary>
    public static MiniLmEmbeddingGenerator Embeddings { get; } = new();

    public static string NewFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "mcprag-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(path);
        return path;
    }
}

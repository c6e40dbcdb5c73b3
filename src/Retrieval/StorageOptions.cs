namespace McpRag.Retrieval;

/// <summary>
/// Where McpRag keeps its state (indexes, development keys). Every verb run from the same folder shares it,
/// so <c>token issue</c>, <c>ingest</c>, <c>serve</c> and <c>demo</c> see the same keys and indexes.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "McpRag";

    /// <summary>Data directory; relative paths are resolved against the working directory.</summary>
    public string DataDir { get; set; } = ".mcprag";

    public string DataDirFullPath => Path.GetFullPath(DataDir);
}

namespace McpRag.McpServer.Tools;

/// <summary>Server-wide operator controls over the tools (<c>McpRag:Tools</c>).</summary>
internal sealed class ToolAccessOptions
{
    public const string Section = "McpRag:Tools";

    /// <summary>Read-only server: write tools are hidden from every list and refused for every tenant.</summary>
    public bool ReadOnly { get; set; }
}

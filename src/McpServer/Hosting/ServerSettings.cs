namespace McpRag.McpServer.Hosting;

/// <summary>What <c>serve</c> and <c>demo</c> were asked for on the command line.</summary>
internal sealed record ServerSettings(string Urls, string? ConfigFile, bool Dev)
{
    public bool Stateless { get; init; } = true;

    public string? TokenFile { get; init; }
}

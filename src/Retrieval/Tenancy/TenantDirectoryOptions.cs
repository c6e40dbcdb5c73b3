namespace McpRag.Retrieval.Tenancy;

/// <summary>Settings of the file-backed routing table (<c>McpRag:Tenants</c>).</summary>
public sealed class TenantDirectoryOptions
{
    public const string Section = "McpRag:Tenants";

    /// <summary>Path of the routing table JSON file; relative paths are resolved against the working directory.</summary>
    public string File { get; set; } = "samples/tenants.json";

    /// <summary>How often, at most, the file's timestamp is checked for changes.</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}

namespace McpRag.McpServer.Tools;

/// <summary>
/// Cursor signing (<c>McpRag:Cursor</c>). Without a configured secret each process makes its own, so cursors do not
/// survive a restart or cross replicas; set the same base64 secret (32 bytes) on every replica to share them.
/// </summary>
public sealed class CursorOptions
{
    public const string Section = "McpRag:Cursor";

    public string? Secret { get; set; }
}

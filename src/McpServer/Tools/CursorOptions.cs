namespace McpRag.McpServer.Tools;

/// <summary>
/// Cursor encryption (<c>McpRag:Cursor</c>). The AES-256-GCM key is derived from <see cref="Secret"/>. Without a
/// configured secret each process makes its own, so cursors do not survive a restart or cross replicas; set the same
/// base64 secret (at least 32 bytes) on every replica to share them.
/// </summary>
internal sealed class CursorOptions
{
    public const string Section = "McpRag:Cursor";

    public string? Secret { get; set; }
}

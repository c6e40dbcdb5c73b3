namespace McpRag.McpServer.Auth;

/// <summary>
/// Where a stdio server gets its caller's token: <c>MCPRAG_TOKEN</c>, or a token file that is re-read whenever it
/// changes, so a client can refresh the token without restarting the server. The token is validated on every call.
/// </summary>
public sealed class StdioTokenSource
{
    public const string EnvironmentVariable = "MCPRAG_TOKEN";

    private readonly string? _file;
    private readonly string? _environmentToken;
    private readonly Lock _lock = new();
    private DateTime _fileWriteTime;
    private string? _fileToken;

    public StdioTokenSource(string? tokenFile)
    {
        _file = tokenFile is null ? null : Path.GetFullPath(tokenFile);
        _environmentToken = Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim() is { Length: > 0 } t ? t : null;
    }

    /// <summary>The current token, or <c>null</c> with a reason.</summary>
    public (string? Token, string? Error) Current()
    {
        if (_file is null)
        {
            return _environmentToken is null
                ? (null, $"no token: set {EnvironmentVariable} or start the server with --token-file")
                : (_environmentToken, null);
        }

        lock (_lock)
        {
            try
            {
                var writeTime = File.GetLastWriteTimeUtc(_file);
                if (_fileToken is null || writeTime != _fileWriteTime)
                {
                    _fileToken = File.ReadAllText(_file).Trim();
                    _fileWriteTime = writeTime;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (null, "token file cannot be read");
            }

            return _fileToken.Length == 0 ? (null, "token file is empty") : (_fileToken, null);
        }
    }
}

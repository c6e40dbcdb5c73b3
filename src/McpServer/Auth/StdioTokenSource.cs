namespace McpRag.McpServer.Auth;

/// <summary>
/// Where a stdio server gets its caller's token: <c>MCPRAG_TOKEN</c>, or a token file that is re-read whenever it
/// changes, so a client can refresh the token without restarting the server. The token is validated on every call.
/// The file is read only when it is a non-empty regular file no larger than a token may be (a FIFO or device has no
/// size, so it is never opened), at most that many bytes, and within <see cref="ReadTimeout"/>: no file can hang or
/// flood a tool call.
/// </summary>
internal sealed class StdioTokenSource
{
    public const string EnvironmentVariable = "MCPRAG_TOKEN";

    /// <summary>Longest a token file read may take before the call is answered without it.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Room for surrounding whitespace (a trailing newline, CRLF) beside the longest token.</summary>
    private const int MaxFileBytes = TokenValidator.MaxTokenLength + 1024;

    private readonly string? _file;
    private readonly string? _environmentToken;
    private readonly Lock _lock = new();
    private DateTime _fileWriteTime;
    private string? _fileToken;
    private Task<string?>? _slowRead;

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
                var info = new FileInfo(_file);
                if (!info.Exists || info.Attributes.HasFlag(FileAttributes.Directory))
                {
                    return (null, "token file cannot be read");
                }

                if (info.Length == 0)
                {
                    return (null, "token file is empty or not a regular file");
                }

                if (info.Length > MaxFileBytes)
                {
                    return (null, "token is too large");
                }

                if (_fileToken is null || info.LastWriteTimeUtc != _fileWriteTime)
                {
                    var (text, error) = ReadBounded(_file);
                    if (text is null)
                    {
                        return (null, error);
                    }

                    _fileToken = text.Trim();
                    _fileWriteTime = info.LastWriteTimeUtc;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return (null, "token file cannot be read");
            }

            return _fileToken.Length == 0 ? (null, "token file is empty") : (_fileToken, null);
        }
    }

    /// <summary>
    /// Reads at most <see cref="MaxFileBytes"/> + 1 bytes, waiting no longer than <see cref="ReadTimeout"/>. While a
    /// read is stuck (a file swapped for something that blocks), no other read starts: one thread at most waits on it.
    /// </summary>
    private (string? Text, string? Error) ReadBounded(string path)
    {
        if (_slowRead is { IsCompleted: false })
        {
            return (null, "token file could not be read in time");
        }

        var read = Task.Run(() => ReadPrefix(path));
        try
        {
            if (!read.Wait(ReadTimeout))
            {
                _slowRead = read;
                return (null, "token file could not be read in time");
            }
        }
        catch (AggregateException ex) when (ex.InnerException is IOException or UnauthorizedAccessException)
        {
            return (null, "token file cannot be read");
        }

        return read.Result is { } text ? (text, null) : (null, "token is too large");
    }

    /// <summary>The file's text, or <c>null</c> when it holds more than a token file may.</summary>
    private static string? ReadPrefix(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        var buffer = new byte[MaxFileBytes + 1];
        var total = 0;
        int count;
        while (total < buffer.Length && (count = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += count;
        }

        return total > MaxFileBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }
}

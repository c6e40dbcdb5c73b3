namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The caller's validated access token for the duration of one tool call, set by the server around the call. Only the
/// explicit, non-compliant <c>auth: jwt-passthrough</c> mode reads it; every other mode ignores it, so by default the
/// caller's token never leaves the server.
/// </summary>
public static class CallerToken
{
    private static readonly AsyncLocal<string?> Ambient = new();

    public static string? Current => Ambient.Value;

    /// <summary>Makes <paramref name="token"/> current until the returned scope is disposed.</summary>
    public static IDisposable Use(string? token)
    {
        var previous = Ambient.Value;
        Ambient.Value = token;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

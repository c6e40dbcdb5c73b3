namespace McpRag.McpServer.Throttling;

/// <summary>
/// The outcome of asking for a call slot. An admitted lease holds the tenant's concurrency slot until disposed;
/// a rejected one says which limit was hit and when to retry.
/// </summary>
internal sealed class ThrottleLease : IDisposable
{
    private readonly IDisposable? _slot;

    private ThrottleLease(bool admitted, IDisposable? slot, TimeSpan retryAfter, string? limit)
    {
        IsAdmitted = admitted;
        _slot = slot;
        RetryAfter = retryAfter;
        Limit = limit;
    }

    public bool IsAdmitted { get; }

    public TimeSpan RetryAfter { get; }

    /// <summary>Which limit rejected the call: <c>tenant</c>, <c>subject</c>, <c>concurrency</c> or <c>embedding</c>.</summary>
    public string? Limit { get; }

    public static ThrottleLease Admitted(IDisposable slot) => new(true, slot, TimeSpan.Zero, null);

    public static ThrottleLease Rejected(string limit, TimeSpan retryAfter) => new(false, null, retryAfter, limit);

    public void Dispose() => _slot?.Dispose();
}

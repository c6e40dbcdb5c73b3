namespace McpRag.Retrieval.Search;

/// <summary>
/// A failure whose <see cref="Exception.Message"/> is safe to show the caller: one line, no host names,
/// no paths, no other tenant's names. Anything else that escapes a backend is reported as a generic backend error.
/// </summary>
public sealed class RetrievalException(RetrievalErrorCode code, string message) : Exception(message)
{
    public RetrievalErrorCode Code { get; } = code;

    /// <summary>For <see cref="RetrievalErrorCode.Throttled"/>: when the caller may try again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static RetrievalException Invalid(string message) => new(RetrievalErrorCode.InvalidArgument, message);
}

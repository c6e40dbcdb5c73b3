using System.Net;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// An error answer of Q Business, named by its modeled shape (<c>ThrottlingException</c>,
/// <c>AccessDeniedException</c>, …). Internal: the backend turns it into a caller-safe error and logs the detail.
/// </summary>
public sealed class QBusinessException(string errorType, HttpStatusCode status, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;

    public HttpStatusCode Status { get; } = status;

    public bool IsRetryable => IsRetryableError(ErrorType, Status);

    /// <summary>Throttling and server-side failures are worth another attempt; everything else would fail the same way again.</summary>
    public static bool IsRetryableError(string? errorType, HttpStatusCode status) =>
        errorType is "ThrottlingException" or "InternalServerException" || (int)status is 429 or >= 500;
}

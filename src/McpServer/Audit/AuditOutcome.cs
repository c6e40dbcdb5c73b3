namespace McpRag.McpServer.Audit;

/// <summary>The audit trail's fixed set of outcomes (error codes map to them in <see cref="Pipeline.ErrorCodes"/>).</summary>
internal static class AuditOutcome
{
    public const string Ok = "ok";
    public const string InvalidArgument = "invalid_argument";
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
    public const string Throttled = "throttled";
    public const string NotFound = "not_found";
    public const string BackendError = "backend_error";

    /// <summary>The caller went away (or the server stopped) before the call finished.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Outcome of an HTTP request refused before it reached a tool.</summary>
    public static string? OfStatus(int status) => status switch
    {
        401 => Unauthenticated,
        403 => Forbidden,
        429 => Throttled,
        400 or 413 or 415 or 431 => InvalidArgument,
        >= 500 => BackendError,
        _ => null,
    };
}

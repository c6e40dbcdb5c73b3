using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace McpRag.McpServer.Audit;

/// <summary>
/// Request ids for the audit trail: a caller's <c>X-Request-Id</c> when it is a plain token (so operators can
/// correlate with their own logs), otherwise a fresh random id.
/// </summary>
internal static partial class RequestIds
{
    public const string Header = "X-Request-Id";

    public static string From(string? supplied) =>
        supplied is not null && Pattern().IsMatch(supplied) ? supplied : New();

    public static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// One source of a route that lists several (e.g. the tenant's own local or OpenSearch index and the customer's
/// Amazon Q index): a short name, unique in the route, that prefixes the ids of its hits (<c>name:id</c>); the
/// source's own route, bound by its backend exactly as a single-backend route would be; and how long a search may
/// wait for it before the others' results are returned without it.
/// </summary>
public sealed record RouteSource(string Name, TenantRoute Route, TimeSpan Timeout)
{
    /// <summary>How long a search waits for a source whose entry sets no <c>timeoutMs</c>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Most sources one route may list: each is queried on every search.</summary>
    public const int MaxSources = 4;

    public const int MinTimeoutMs = 100;

    public const int MaxTimeoutMs = 60_000;

    /// <summary>Whether <paramref name="name"/> may name a source: 1-16 of a-z, 0-9, '-' and '_', starting with a letter (never ':').</summary>
    public static bool IsName(string name) =>
        name.Length is > 0 and <= 16 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');
}

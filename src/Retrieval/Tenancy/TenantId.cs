using System.Text.RegularExpressions;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// The one place that decides what a tenant id may look like. Tenant ids end up in file paths, index names
/// and audit records, so only a plain ASCII form is accepted: no whitespace, no look-alike characters, no separators.
/// </summary>
public static partial class TenantId
{
    public const int MaxLength = 64;

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

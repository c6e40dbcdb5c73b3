using System.Text.RegularExpressions;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>The one place index names are validated: they become folder names, so only a safe ASCII form is allowed.</summary>
public static partial class IndexName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

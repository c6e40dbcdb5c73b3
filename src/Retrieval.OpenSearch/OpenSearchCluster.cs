namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// What a cluster reported about itself, read once per route with the route's own credentials: the lowest node
/// version (during a rolling upgrade the oldest node decides what a query may use) and the installed plugins.
/// </summary>
public sealed record OpenSearchCluster(Version Version, IReadOnlySet<string> Plugins)
{
    public const string NeuralSearchPlugin = "opensearch-neural-search";
    public const string KnnPlugin = "opensearch-knn";

    /// <summary>
    /// Whether the plugin list could be read. Where it could not (a managed service without the nodes API), the
    /// plugins every OpenSearch distribution bundles are assumed, and a refused hybrid query switches the route to
    /// client-side fusion (see <see cref="OpenSearchRequestException.ProvesNoHybrid"/>).
    /// </summary>
    public bool PluginsKnown { get; init; } = true;

    public bool Has(string plugin) => !PluginsKnown || Plugins.Contains(plugin);

    /// <summary>Reads the leading <c>major.minor[.patch]</c> of a version string such as <c>2.19.1</c> or <c>3.0.0-SNAPSHOT</c>.</summary>
    public static Version? ParseVersion(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var end = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
        {
            end++;
        }

        var parts = text[..end].Split('.', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var major)
            && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var minor)
            ? new Version(major, minor, parts.Length > 2 && int.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var patch) ? patch : 0)
            : null;
    }
}

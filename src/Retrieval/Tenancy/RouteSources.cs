using System.Text.Json;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Reads a route's <c>sources</c> list, checked once when the routing table loads:
/// <c>[{"name": "docs", "backend": "local", "isolation": "index", "index": "kb"}, {"name": "q", "backend": "qindex", ..., "timeoutMs": 3000}]</c>.
/// Each entry is read as a route of its own (the same fields, the same backend validation); what belongs to the tenant
/// as a whole (quota, tools, read-only switch, attribute schema) stays on the route and is refused in a source.
/// </summary>
public static class RouteSources
{
    private static readonly string[] RouteOnly = ["sources", "quota", "tools", "readOnly", "attributes"];

    /// <summary>
    /// The sources of <paramref name="sources"/>, each parsed by <paramref name="parseRoute"/> (their backends bind
    /// them later, with the route); throws <see cref="FormatException"/> with a one-line reason.
    /// </summary>
    public static IReadOnlyList<RouteSource> Parse(JsonElement sources, Func<JsonElement, TenantRoute> parseRoute)
    {
        if (sources.ValueKind != JsonValueKind.Array || sources.GetArrayLength() is < 2 or > RouteSource.MaxSources)
        {
            throw new FormatException($"\"sources\" must list 2-{RouteSource.MaxSources} sources (one backend is a plain route)");
        }

        var result = new List<RouteSource>();
        foreach (var source in sources.EnumerateArray())
        {
            var name = source.ValueKind == JsonValueKind.Object && source.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
            if (name is null || !RouteSource.IsName(name))
            {
                throw new FormatException("each source needs a \"name\" of 1-16 of a-z, 0-9, '-' and '_', starting with a letter");
            }

            if (result.Any(s => s.Name == name))
            {
                throw new FormatException($"source name '{name}' is used twice");
            }

            if (RouteOnly.FirstOrDefault(f => source.TryGetProperty(f, out _)) is { } field)
            {
                throw new FormatException($"source '{name}': \"{field}\" belongs to the route, not to one source");
            }

            try
            {
                result.Add(new RouteSource(name, parseRoute(source), TimeoutOf(source)));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"source '{name}': {ex.Message}");
            }
        }

        return result;
    }

    private static TimeSpan TimeoutOf(JsonElement source) =>
        !source.TryGetProperty("timeoutMs", out var value) || value.ValueKind == JsonValueKind.Null ? RouteSource.DefaultTimeout
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var ms) && ms is >= RouteSource.MinTimeoutMs and <= RouteSource.MaxTimeoutMs ? TimeSpan.FromMilliseconds(ms)
        : throw new FormatException($"\"timeoutMs\" must be a whole number of milliseconds between {RouteSource.MinTimeoutMs} and {RouteSource.MaxTimeoutMs}");
}

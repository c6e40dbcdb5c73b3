using System.Text.Json;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Parses and validates a routing table document. Every problem is reported as a one-line
/// <see cref="FormatException"/> naming the tenant and field, so a bad edit is refused with a reason.
/// </summary>
/// <remarks>
/// Shape: <c>{"defaults": {...}, "tenants": {"tenant-a": {"backend": "local", "isolation": "domain", ...}}}</c>.
/// A tenant's fields override the defaults field by field.
/// </remarks>
public static class TenantTable
{
    /// <summary>
    /// Reads every route and has <paramref name="validateRoute"/> check it and bind its backend's typed settings: it
    /// returns the bound route or throws <see cref="FormatException"/> with a one-line reason.
    /// </summary>
    public static IReadOnlyDictionary<string, TenantRoute> Parse(string json, Func<TenantRoute, TenantRoute> validateRoute)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"routing table is not valid JSON (line {ex.LineNumber + 1})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("tenants", out var tenants) || tenants.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("routing table needs a \"tenants\" object");
            }

            var defaults = root.TryGetProperty("defaults", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            var routes = new Dictionary<string, TenantRoute>(StringComparer.Ordinal);
            foreach (var tenant in tenants.EnumerateObject())
            {
                if (!TenantId.IsValid(tenant.Name))
                {
                    throw new FormatException($"tenant id '{ErrorText.Shorten(tenant.Name)}' is invalid: use 1-64 of a-z, 0-9, '-' and '_'");
                }

                if (tenant.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"tenant '{tenant.Name}': route must be an object");
                }

                if (tenant.Value.TryGetProperty("sources", out _) && tenant.Value.TryGetProperty("backend", out _))
                {
                    throw new FormatException($"tenant '{tenant.Name}': a route with \"sources\" names a backend in each source, not \"backend\"");
                }

                var route = ParseRoute(tenant.Name, Merge(defaults, tenant.Value));
                try
                {
                    routes[tenant.Name] = validateRoute(route);
                }
                catch (FormatException ex)
                {
                    throw new FormatException($"tenant '{tenant.Name}': {ex.Message}");
                }
            }

            return routes;
        }
    }

    private static TenantRoute ParseRoute(string tenantId, JsonElement settings)
    {
        var backend = GetString(settings, "backend", tenantId) ?? "local";
        var isolationText = GetString(settings, "isolation", tenantId) ?? "index";
        if (!Enum.TryParse<TenantIsolation>(isolationText, ignoreCase: true, out var isolation) || int.TryParse(isolationText, out _))
        {
            throw new FormatException($"tenant '{tenantId}': isolation '{ErrorText.Shorten(isolationText)}' is not one of domain, index, document");
        }

        TenantQuotaOverride quota;
        IReadOnlyDictionary<string, Search.Filters.AttributeSchema> attributes;
        try
        {
            attributes = TenantAttributes.Parse(settings);
            quota = TenantQuotaOverride.Parse(settings.TryGetProperty("quota", out var q) ? q : default);

            // Checked against the built-in defaults here so a bad quota is refused when the table loads.
            new TenantQuota().Overlay(quota);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"tenant '{tenantId}': {ex.Message}");
        }

        IReadOnlyList<RouteSource>? sources = null;
        if (settings.TryGetProperty("sources", out var listed) && listed.ValueKind != JsonValueKind.Null)
        {
            try
            {
                sources = RouteSources.Parse(listed, source => ParseSource(tenantId, source) with { Attributes = attributes });
            }
            catch (FormatException ex)
            {
                throw new FormatException($"tenant '{tenantId}': {ex.Message}");
            }

            backend = TenantRoute.SourcesBackendName;
        }

        return new TenantRoute(tenantId, backend, isolation)
        {
            Sources = sources,
            Index = GetString(settings, "index", tenantId),
            DataRoot = GetString(settings, "dataRoot", tenantId),
            Quota = quota,
            ReadOnly = GetBool(settings, "readOnly", tenantId),
            Tools = GetNames(settings, "tools", tenantId),
            Attributes = attributes,
            Settings = settings,
        };
    }

    /// <summary>A source entry read as a route of the tenant; its reasons without the tenant prefix, which the route adds.</summary>
    private static TenantRoute ParseSource(string tenantId, JsonElement source)
    {
        try
        {
            return ParseRoute(tenantId, source);
        }
        catch (FormatException ex)
        {
            var prefix = $"tenant '{tenantId}': ";
            throw new FormatException(ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message[prefix.Length..] : ex.Message);
        }
    }

    private static bool GetBool(JsonElement settings, string name, string tenantId) =>
        !settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? false
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new FormatException($"tenant '{tenantId}': \"{name}\" must be true or false");

    /// <summary>A list of 1-32 tool names (letters, digits, '_' and '-', at most 128 characters each).</summary>
    private static HashSet<string>? GetNames(JsonElement settings, string name, string tenantId)
    {
        if (!settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > 32
            || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 and <= 128 } tool
                || !tool.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            throw new FormatException($"tenant '{tenantId}': \"{name}\" must be a list of 1-32 tool names");
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    private static string? GetString(JsonElement settings, string name, string tenantId)
    {
        if (!settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new FormatException($"tenant '{tenantId}': \"{name}\" must be a non-empty string");
        }

        return value.GetString();
    }

    private static JsonElement Merge(JsonElement defaults, JsonElement route)
    {
        if (defaults.ValueKind != JsonValueKind.Object)
        {
            return route.Clone();
        }

        var merged = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in defaults.EnumerateObject())
        {
            merged[property.Name] = property.Value;
        }

        foreach (var property in route.EnumerateObject())
        {
            merged[property.Name] = property.Value;
        }

        return JsonSerializer.SerializeToElement(merged);
    }

}

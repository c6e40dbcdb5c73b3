using System.Text.Json;
using System.Text.RegularExpressions;
using McpRag.Retrieval.Tenancy;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// A tenant's Amazon Q index settings, read from its routing-table entry: the customer's application, retriever
/// and data accessor, and the ISV role that acts for it. Parsing and validation live here so the routing table
/// refuses a bad entry at load time with a one-line reason; the result is carried on <see cref="TenantRoute.Location"/>.
/// </summary>
public sealed partial record QIndexRoute(
    string TenantId,
    string Region,
    string ApplicationId,
    string RetrieverId,
    string DataAccessorRoleArn,
    string IdcApplicationArn,
    string IdcRegion,
    string ExternalId) : BackendLocation
{
    /// <summary>Upper bound on results per page for this tenant (Q index <c>maxResults</c>); the caller's <c>top_k</c> is capped by it.</summary>
    public int? MaxResults { get; init; }

    /// <summary>A Q Business <c>AttributeFilter</c> every search of this tenant is ANDed with.</summary>
    public JsonElement? AttributeFilter { get; init; }

    /// <summary>Types of filterable attributes that are not plain strings.</summary>
    public IReadOnlyDictionary<string, QIndexAttributeType> AttributeTypes { get; init; } = new Dictionary<string, QIndexAttributeType>(StringComparer.Ordinal);

    public const int MaxResultsLimit = 100;

    private static readonly HashSet<string> FilterOperators = new(StringComparer.Ordinal)
    {
        "andAllFilters", "orAllFilters", "notFilter", "equalsTo", "containsAll", "containsAny",
        "greaterThan", "greaterThanOrEquals", "lessThan", "lessThanOrEquals",
    };

    /// <summary>The route with its Q index settings bound; throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static TenantRoute Bind(TenantRoute route)
    {
        var (parsed, error) = Parse(route);
        return parsed is null ? throw new FormatException(error) : route with { Location = parsed };
    }

    /// <summary>Reads the route's settings; returns the route or a one-line reason.</summary>
    public static (QIndexRoute? Route, string? Error) Parse(TenantRoute route)
    {
        var settings = route.Settings;
        if (settings.ValueKind != JsonValueKind.Object)
        {
            return (null, "qindex route needs its settings object");
        }

        try
        {
            var region = Required(settings, "region", RegionPattern());
            var parsed = new QIndexRoute(
                route.TenantId,
                region,
                Required(settings, "applicationId", ResourceIdPattern()),
                Required(settings, "retrieverId", ResourceIdPattern()),
                Required(settings, "dataAccessorRoleArn", RoleArnPattern()),
                Required(settings, "idcApplicationArn", IdcApplicationArnPattern()),
                Optional(settings, "idcRegion", RegionPattern()) ?? region,
                Optional(settings, "externalId", ExternalIdPattern()) ?? route.TenantId)
            {
                MaxResults = MaxResultsOf(settings),
                AttributeFilter = AttributeFilterOf(settings),
                AttributeTypes = AttributeTypesOf(settings),
            };
            return (parsed, null);
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }

    private static string Required(JsonElement settings, string name, Regex pattern) =>
        Optional(settings, name, pattern) ?? throw new FormatException($"qindex route needs \"{name}\"");

    private static string? Optional(JsonElement settings, string name, Regex pattern)
    {
        if (!settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && pattern.IsMatch(value.GetString()!)
            ? value.GetString()
            : throw new FormatException($"\"{name}\" is not a valid value");
    }

    private static int? MaxResultsOf(JsonElement settings) =>
        !settings.TryGetProperty("maxResults", out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.TryGetInt32(out var n) && n is >= 1 and <= MaxResultsLimit ? n
        : throw new FormatException($"\"maxResults\" must be an integer between 1 and {MaxResultsLimit}");

    private static JsonElement? AttributeFilterOf(JsonElement settings)
    {
        if (!settings.TryGetProperty("attributeFilter", out var filter) || filter.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        CheckFilter(filter, depth: 0);
        return filter.Clone();
    }

    /// <summary>Structural check of a Q Business AttributeFilter: known operators only, documents with name and one typed value.</summary>
    private static void CheckFilter(JsonElement filter, int depth)
    {
        const string Invalid = "\"attributeFilter\" is not a valid Q Business AttributeFilter";
        if (filter.ValueKind != JsonValueKind.Object || depth > 8 || !filter.EnumerateObject().Any())
        {
            throw new FormatException(Invalid);
        }

        foreach (var property in filter.EnumerateObject())
        {
            if (!FilterOperators.Contains(property.Name))
            {
                throw new FormatException($"\"attributeFilter\" has an unknown operator '{ErrorText.Shorten(property.Name)}'");
            }

            switch (property.Name)
            {
                case "andAllFilters" or "orAllFilters":
                    if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
                    {
                        throw new FormatException(Invalid);
                    }

                    foreach (var inner in property.Value.EnumerateArray())
                    {
                        CheckFilter(inner, depth + 1);
                    }

                    break;
                case "notFilter":
                    CheckFilter(property.Value, depth + 1);
                    break;
                default:
                    var attribute = property.Value;
                    if (attribute.ValueKind != JsonValueKind.Object
                        || !attribute.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || !AttributeNamePattern().IsMatch(name.GetString()!)
                        || !attribute.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object
                        || value.EnumerateObject().Count() != 1
                        || value.EnumerateObject().First().Name is not ("stringValue" or "stringListValue" or "longValue" or "dateValue"))
                    {
                        throw new FormatException(Invalid);
                    }

                    break;
            }
        }
    }

    private static Dictionary<string, QIndexAttributeType> AttributeTypesOf(JsonElement settings)
    {
        var types = new Dictionary<string, QIndexAttributeType>(StringComparer.Ordinal);
        if (!settings.TryGetProperty("attributeTypes", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return types;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("\"attributeTypes\" must map attribute names to string, stringList, long or date");
        }

        foreach (var property in value.EnumerateObject())
        {
            if (!AttributeNamePattern().IsMatch(property.Name)
                || property.Value.ValueKind != JsonValueKind.String
                || !Enum.TryParse<QIndexAttributeType>(property.Value.GetString(), ignoreCase: true, out var type)
                || int.TryParse(property.Value.GetString(), out _))
            {
                throw new FormatException("\"attributeTypes\" must map attribute names to string, stringList, long or date");
            }

            types[property.Name] = type;
        }

        return types;
    }


    /// <summary>Q Business document attribute names (<c>DocumentAttributeKey</c>).</summary>
    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,199}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex AttributeNamePattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    /// <summary>Application and retriever ids (<c>ApplicationId</c>, <c>RetrieverId</c>): 36 characters.</summary>
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9-]{35}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceIdPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:sso::[0-9]{12}:application/[\w+=,.@/-]{1,1024}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdcApplicationArnPattern();

    /// <summary>STS session tag values: 1-256 characters of letters, digits, space and <c>_.:/=+-@</c>.</summary>
    [GeneratedRegex(@"^[\w .:/=+\-@]{1,256}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ExternalIdPattern();
}

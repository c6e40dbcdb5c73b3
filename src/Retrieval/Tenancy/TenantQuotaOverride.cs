using System.Text.Json;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// The quota fields a routing-table entry sets, read and checked once when the table loads. Fields it leaves out
/// (<c>null</c>) come from the configured default quota, which is only known to the server, so the effective
/// <see cref="TenantQuota"/> is <c>defaults.Overlay(route.Quota)</c>: typed values, no JSON, on every call.
/// </summary>
public sealed record TenantQuotaOverride
{
    /// <summary>A route without a <c>quota</c> object: the default quota applies unchanged.</summary>
    public static readonly TenantQuotaOverride None = new();

    public int? RequestsPerMinute { get; init; }

    public int? Burst { get; init; }

    public int? SubjectRequestsPerMinute { get; init; }

    public int? SubjectBurst { get; init; }

    public int? MaxConcurrent { get; init; }

    public int? EmbeddedChunksPerMinute { get; init; }

    public int? MaxChunksPerWrite { get; init; }

    public bool IsEmpty => this == None;

    private static readonly Dictionary<string, Func<TenantQuotaOverride, int, TenantQuotaOverride>> Fields = new(StringComparer.Ordinal)
    {
        ["requestsPerMinute"] = (q, v) => q with { RequestsPerMinute = v },
        ["burst"] = (q, v) => q with { Burst = v },
        ["subjectRequestsPerMinute"] = (q, v) => q with { SubjectRequestsPerMinute = v },
        ["subjectBurst"] = (q, v) => q with { SubjectBurst = v },
        ["maxConcurrent"] = (q, v) => q with { MaxConcurrent = v },
        ["embeddedChunksPerMinute"] = (q, v) => q with { EmbeddedChunksPerMinute = v },
        ["maxChunksPerWrite"] = (q, v) => q with { MaxChunksPerWrite = v },
    };

    /// <summary>
    /// Reads a routing-table <c>quota</c> object (absent or <c>null</c>: <see cref="None"/>); throws
    /// <see cref="FormatException"/> with a one-line reason on an unknown field or a value that is not a whole number.
    /// Ranges are checked by <see cref="TenantQuota.Overlay"/>, against the quota the fields are laid over.
    /// </summary>
    public static TenantQuotaOverride Parse(JsonElement quota)
    {
        if (quota.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return None;
        }

        if (quota.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("\"quota\" must be an object");
        }

        var result = None;
        foreach (var property in quota.EnumerateObject())
        {
            if (!Fields.TryGetValue(property.Name, out var set))
            {
                throw new FormatException($"quota.{property.Name} is not a quota field (use {string.Join(", ", Fields.Keys)})");
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var value))
            {
                throw new FormatException($"quota.{property.Name} must be a whole number");
            }

            result = set(result, value);
        }

        return result;
    }
}

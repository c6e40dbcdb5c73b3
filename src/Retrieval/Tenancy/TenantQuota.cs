using System.Text.Json;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// A tenant's share of the server: a token bucket with <see cref="RequestsPerMinute"/> refill and <see cref="Burst"/>
/// capacity for the tenant, a smaller bucket for each subject inside it (so one user cannot use the tenant's whole
/// quota), and a cap on calls in flight. Writes also pay for what they cost: each passage a write embeds is taken
/// from a bucket of <see cref="EmbeddedChunksPerMinute"/> (holding one minute's worth), and one write may embed at
/// most <see cref="MaxChunksPerWrite"/> passages. In the routing table every field is optional; missing ones come
/// from <c>McpRag:Throttling:DefaultQuota</c>.
/// </summary>
public sealed record TenantQuota
{
    public int RequestsPerMinute { get; init; } = 600;

    public int Burst { get; init; } = 100;

    public int SubjectRequestsPerMinute { get; init; } = 300;

    public int SubjectBurst { get; init; } = 50;

    public int MaxConcurrent { get; init; } = 16;

    /// <summary>Passages the tenant's writes may embed per minute; the bucket holds one minute's worth.</summary>
    public int EmbeddedChunksPerMinute { get; init; } = 600;

    /// <summary>Passages one write call may embed (about 200,000 characters at the default); larger documents belong to <c>mcprag ingest</c>.</summary>
    public int MaxChunksPerWrite { get; init; } = 200;

    private static readonly Dictionary<string, (int Max, Func<TenantQuota, int, TenantQuota> Set)> Fields = new(StringComparer.Ordinal)
    {
        ["requestsPerMinute"] = (1_000_000, (q, v) => q with { RequestsPerMinute = v }),
        ["burst"] = (1_000_000, (q, v) => q with { Burst = v }),
        ["subjectRequestsPerMinute"] = (1_000_000, (q, v) => q with { SubjectRequestsPerMinute = v }),
        ["subjectBurst"] = (1_000_000, (q, v) => q with { SubjectBurst = v }),
        ["maxConcurrent"] = (10_000, (q, v) => q with { MaxConcurrent = v }),
        ["embeddedChunksPerMinute"] = (1_000_000, (q, v) => q with { EmbeddedChunksPerMinute = v }),
        ["maxChunksPerWrite"] = (100_000, (q, v) => q with { MaxChunksPerWrite = v }),
    };

    /// <summary>Returns a one-line reason when a value is out of range, otherwise <c>null</c>.</summary>
    public string? Validate() => Fields.Keys
        .Select(name => (name, value: Get(name)))
        .Where(f => f.value < 1 || f.value > Fields[f.name].Max)
        .Select(f => $"quota.{f.name} must be between 1 and {Fields[f.name].Max}")
        .FirstOrDefault()
        ?? (MaxChunksPerWrite > EmbeddedChunksPerMinute ? "quota.maxChunksPerWrite must not exceed quota.embeddedChunksPerMinute (a write that large could never be admitted)" : null);

    /// <summary>This quota with the fields a routing-table <c>quota</c> object sets; throws <see cref="FormatException"/> on a bad field.</summary>
    public TenantQuota Overlay(JsonElement quota)
    {
        if (quota.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return this;
        }

        if (quota.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("\"quota\" must be an object");
        }

        var result = this;
        foreach (var property in quota.EnumerateObject())
        {
            if (!Fields.TryGetValue(property.Name, out var field))
            {
                throw new FormatException($"quota.{property.Name} is not a quota field (use {string.Join(", ", Fields.Keys)})");
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var value))
            {
                throw new FormatException($"quota.{property.Name} must be a whole number");
            }

            result = field.Set(result, value);
        }

        return result.Validate() is { } error ? throw new FormatException(error) : result;
    }

    private int Get(string name) => name switch
    {
        "requestsPerMinute" => RequestsPerMinute,
        "burst" => Burst,
        "subjectRequestsPerMinute" => SubjectRequestsPerMinute,
        "subjectBurst" => SubjectBurst,
        "embeddedChunksPerMinute" => EmbeddedChunksPerMinute,
        "maxChunksPerWrite" => MaxChunksPerWrite,
        _ => MaxConcurrent,
    };
}

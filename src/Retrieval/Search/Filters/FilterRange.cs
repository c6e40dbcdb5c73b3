namespace McpRag.Retrieval.Search.Filters;

/// <summary>
/// A numeric or date range on one attribute; each bound is optional, at least one is set. Bounds are canonical text:
/// numbers in invariant culture, dates as UTC ISO-8601 (<c>yyyy-MM-ddTHH:mm:ssZ</c>).
/// </summary>
public sealed record FilterRange(string Attribute, AttributeType Type) : SearchFilter
{
    public string? GreaterThan { get; init; }

    public string? GreaterThanOrEqual { get; init; }

    public string? LessThan { get; init; }

    public string? LessThanOrEqual { get; init; }

    /// <summary>The set bounds with their operator names as the filter language spells them.</summary>
    public IEnumerable<(string Operator, string Value)> Bounds()
    {
        (string, string?)[] bounds = [("$gt", GreaterThan), ("$gte", GreaterThanOrEqual), ("$lt", LessThan), ("$lte", LessThanOrEqual)];
        return bounds.Where(b => b.Item2 is not null).Select(b => (b.Item1, b.Item2!));
    }

    public override string Canonical =>
        "range(" + FilterEquals.Escape(Attribute) + ":" + Type + ":" + string.Join(",", Bounds().Select(b => b.Operator + "=" + b.Value)) + ")";
}

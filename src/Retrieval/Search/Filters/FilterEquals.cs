namespace McpRag.Retrieval.Search.Filters;

/// <summary>
/// The attribute has one of <see cref="Values"/> (equality when there is one value, any-of when there are several).
/// </summary>
public sealed record FilterEquals(string Attribute, AttributeType Type, IReadOnlyList<string> Values) : SearchFilter
{
    public override string Canonical =>
        "eq(" + Escape(Attribute) + ":" + string.Join("\u001f", Values.Select(Escape)) + ")";

    internal static string Escape(string text) => text.Replace("\\", "\\\\").Replace(",", "\\,").Replace(")", "\\)").Replace(":", "\\:");
}

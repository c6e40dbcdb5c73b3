using System.Text.Json;
using McpRag.Retrieval.Search;

namespace McpRag.McpServer.Tools;

/// <summary>Validates tool arguments, each failure a one-line <c>invalid_argument</c>.</summary>
internal static class ToolArguments
{
    public static string Query(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw RetrievalException.Invalid("query must not be empty");
        }

        return query.Length <= SearchLimits.MaxQueryLength
            ? query.Trim()
            : throw RetrievalException.Invalid($"query is longer than {SearchLimits.MaxQueryLength} characters");
    }

    public static int TopK(int topK) =>
        topK is >= SearchLimits.MinTopK and <= SearchLimits.MaxTopK
            ? topK
            : throw RetrievalException.Invalid($"top_k must be between {SearchLimits.MinTopK} and {SearchLimits.MaxTopK}");

    public static int SnippetChars(int chars) =>
        chars is >= SnippetText.MinLength and <= SnippetText.MaxLength
            ? chars
            : throw RetrievalException.Invalid($"snippet_chars must be between {SnippetText.MinLength} and {SnippetText.MaxLength}");

    public static SearchMode Mode(string? mode) =>
        TryMode(mode) ?? throw RetrievalException.Invalid("mode must be one of hybrid, keyword, semantic");

    /// <summary>The mode a <c>mode</c> argument names (hybrid when absent), or <c>null</c> when it names none.</summary>
    public static SearchMode? TryMode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        null or "" or "hybrid" => SearchMode.Hybrid,
        "keyword" => SearchMode.Keyword,
        "semantic" => SearchMode.Semantic,
        _ => null,
    };

    public static string Id(string? id) =>
        string.IsNullOrWhiteSpace(id) ? throw RetrievalException.Invalid("id must not be empty")
        : id.Length > SearchLimits.MaxIdLength ? throw RetrievalException.Invalid($"id is longer than {SearchLimits.MaxIdLength} characters")
        : id.Any(char.IsControl) ? throw RetrievalException.Invalid("id must not contain control characters")
        : id;

    /// <summary>
    /// Filters: attribute name to a string or an array of strings. Names that carry tenancy or identity are
    /// refused, so a filter can only narrow the tenant's own scope.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Filters(IReadOnlyDictionary<string, JsonElement>? filters)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (filters is null)
        {
            return result;
        }

        if (filters.Count > SearchLimits.MaxFilters)
        {
            throw RetrievalException.Invalid($"at most {SearchLimits.MaxFilters} filters are allowed");
        }

        foreach (var (name, value) in filters)
        {
            if (SearchLimits.ReservedAttributes.Contains(name) || name.Length is 0 or > 64 || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' is not a filterable attribute");
            }

            string[] values = value.ValueKind switch
            {
                JsonValueKind.String => [value.GetString()!],
                JsonValueKind.Array when value.GetArrayLength() is > 0 and <= SearchLimits.MaxFilterValues
                    && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) =>
                    value.EnumerateArray().Select(v => v.GetString()!).ToArray(),
                _ => throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' must be a string or an array of 1-{SearchLimits.MaxFilterValues} strings"),
            };
            if (values.Any(v => v.Length > SearchLimits.MaxFilterValueLength))
            {
                throw RetrievalException.Invalid($"filter '{ErrorText.Shorten(name)}' has a value longer than {SearchLimits.MaxFilterValueLength} characters");
            }

            result[name] = values;
        }

        return result;
    }

}

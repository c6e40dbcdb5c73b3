namespace McpRag.Retrieval.Search;

/// <summary>
/// A whole document as stored for a tenant: what <c>fetch</c> returns and what ingest and <c>upsert_document</c> write.
/// </summary>
public sealed record RetrievalDocument(string Id, string Title, string Text)
{
    public string? Url { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; } = EmptyAttributes;

    /// <summary>
    /// SHA-256 over everything a backend stores (title, url, text, attributes) plus <paramref name="salt"/> (e.g. the
    /// embedding model), so re-ingesting an unchanged document can be skipped.
    /// </summary>
    public string ContentHash(string? salt = null)
    {
        var canonical = new System.Text.StringBuilder()
            .Append(salt).Append('\0').Append(Title).Append('\0').Append(Url).Append('\0').Append(Text).Append('\0');
        foreach (var (name, values) in Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            canonical.Append(name).Append('=').AppendJoin('\u001f', values).Append('\0');
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> EmptyAttributes { get; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
}

namespace McpRag.Retrieval.Ingest;

/// <summary>
/// Reads the simple <c>---</c>-delimited <c>key: value</c> header of Markdown files. Nested YAML is not needed for
/// document metadata, so no YAML library is pulled in.
/// </summary>
internal static class FrontMatter
{
    public static (IReadOnlyDictionary<string, string> Fields, string Body) Split(string content)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var text = content.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
        {
            return (fields, text);
        }

        var end = text.IndexOf("\n---", 4, StringComparison.Ordinal);
        if (end < 0)
        {
            return (fields, text);
        }

        foreach (var line in text[4..end].Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() is { Length: > 0 } key && line[(colon + 1)..].Trim() is { Length: > 0 } value)
            {
                fields[key] = value;
            }
        }

        var bodyStart = text.IndexOf('\n', end + 4);
        return (fields, bodyStart < 0 ? string.Empty : text[(bodyStart + 1)..]);
    }
}

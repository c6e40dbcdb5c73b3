using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace McpRag.Retrieval.Ingest;

/// <summary>
/// Reads the <c>---</c>-delimited YAML front matter of Markdown and text files with YamlDotNet. Each key with a
/// scalar value becomes a field with one value; a list of scalars (<c>tags: [a, b]</c> or a block list) becomes a
/// field with several values, which is what a multi-valued attribute and an any-of filter need. Nested mappings are
/// not document metadata and are left out.
/// </summary>
internal static class FrontMatter
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder().Build();

    /// <exception cref="FormatException">The block is not a YAML mapping; the message names the line.</exception>
    public static (IReadOnlyDictionary<string, IReadOnlyList<string>> Fields, string Body) Split(string content)
    {
        var fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
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

        foreach (var (key, value) in Parse(text[4..end]))
        {
            var values = value switch
            {
                string scalar => [scalar.Trim()],
                List<object?> list => list.OfType<string>().Select(v => v.Trim()).ToList(),
                _ => [],
            };
            values.RemoveAll(v => v.Length == 0);
            if (key.Trim() is { Length: > 0 } name && values.Count > 0)
            {
                fields[name] = values;
            }
        }

        var bodyStart = text.IndexOf('\n', end + 4);
        return (fields, bodyStart < 0 ? string.Empty : text[(bodyStart + 1)..]);
    }

    private static Dictionary<string, object?> Parse(string yaml)
    {
        try
        {
            return Yaml.Deserialize<Dictionary<string, object?>?>(yaml) ?? [];
        }
        catch (YamlException ex)
        {
            // The block starts on the file's second line.
            throw new FormatException($"front matter is not valid YAML (line {ex.Start.Line + 1})");
        }
    }
}

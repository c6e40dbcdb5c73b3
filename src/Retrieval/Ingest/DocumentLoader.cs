using System.Text.Json;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Ingest;

/// <summary>
/// Turns files into documents for ingest. The document id is the file's path relative to the folder it was
/// found under (without extension), so re-ingesting the same file replaces the same document.
/// </summary>
/// <remarks>
/// Markdown and text files may start with a <c>---</c> YAML front-matter block (see <see cref="FrontMatter"/>):
/// <c>title</c> and <c>url</c> become the document's fields, every other key an attribute that filters can match,
/// with several values when the key holds a list.
/// JSON files hold one object or an array of objects with <c>id</c>, <c>title</c>, <c>text</c>, <c>url</c>, <c>attributes</c>.
/// </remarks>
public static class DocumentLoader
{
    public static readonly IReadOnlySet<string> SupportedExtensions =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".md", ".markdown", ".txt", ".json" };

    /// <summary>Expands files and folders into the supported files under them, in a stable order.</summary>
    public static IReadOnlyList<(string File, string Root)> Enumerate(IEnumerable<string> paths)
    {
        var files = new List<(string, string)>();
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                files.AddRange(Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                    .Where(f => SupportedExtensions.Contains(Path.GetExtension(f)))
                    .Order(StringComparer.Ordinal)
                    .Select(f => (f, full)));
            }
            else if (File.Exists(full))
            {
                if (!SupportedExtensions.Contains(Path.GetExtension(full)))
                {
                    throw RetrievalException.Invalid($"{Path.GetFileName(full)}: unsupported file type (use .md, .txt or .json)");
                }

                files.Add((full, Path.GetDirectoryName(full)!));
            }
            else
            {
                throw RetrievalException.Invalid($"{path}: no such file or folder");
            }
        }

        return files;
    }

    public static IReadOnlyList<RetrievalDocument> Load(string file, string root)
    {
        var relative = Path.GetRelativePath(root, file);
        var id = Path.ChangeExtension(relative, null).Replace('\\', '/');
        var content = File.ReadAllText(file);
        return Path.GetExtension(file).Equals(".json", StringComparison.OrdinalIgnoreCase)
            ? LoadJson(content, id, relative)
            : [LoadText(content, id, relative)];
    }

    internal static RetrievalDocument LoadText(string content, string id, string relative)
    {
        IReadOnlyDictionary<string, IReadOnlyList<string>> fields;
        string body;
        try
        {
            (fields, body) = FrontMatter.Split(content);
        }
        catch (FormatException ex)
        {
            throw RetrievalException.Invalid($"{relative}: {ex.Message}");
        }

        var title = OneValue(fields, "title") ?? FirstHeading(body) ?? Path.GetFileName(id);
        var attributes = fields
            .Where(f => !f.Key.Equals("title", StringComparison.OrdinalIgnoreCase) && !f.Key.Equals("url", StringComparison.OrdinalIgnoreCase)
                && !SearchLimits.ReservedAttributes.Contains(f.Key))
            .ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        return new RetrievalDocument(id, title, body.Trim()) { Url = OneValue(fields, "url"), Attributes = attributes };
    }

    /// <summary>A field that is one scalar (title, url); a list there is not a title.</summary>
    private static string? OneValue(IReadOnlyDictionary<string, IReadOnlyList<string>> fields, string name) =>
        fields.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    private static IReadOnlyList<RetrievalDocument> LoadJson(string content, string fileId, string relative)
    {
        using var json = ParseJson(content, relative);
        var root = json.RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToArray() : [root];
        var documents = new List<RetrievalDocument>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i];
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw RetrievalException.Invalid($"{relative}: item {i} is not an object");
            }

            var text = OptionalString(item, "text", relative) ?? throw RetrievalException.Invalid($"{relative}: item {i} has no \"text\"");
            var id = OptionalString(item, "id", relative) ?? (items.Length == 1 ? fileId : $"{fileId}/{i}");
            documents.Add(new RetrievalDocument(id, OptionalString(item, "title", relative) ?? id, text)
            {
                Url = OptionalString(item, "url", relative),
                Attributes = AttributesOf(item, relative),
            });
        }

        return documents;
    }

    private static JsonDocument ParseJson(string content, string relative)
    {
        try
        {
            return JsonDocument.Parse(content);
        }
        catch (JsonException ex)
        {
            throw RetrievalException.Invalid($"{relative}: not valid JSON (line {ex.LineNumber + 1})");
        }
    }

    private static string? OptionalString(JsonElement item, string name, string relative) =>
        !item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw RetrievalException.Invalid($"{relative}: \"{name}\" must be a string");

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> AttributesOf(JsonElement item, string relative)
    {
        if (!item.TryGetProperty("attributes", out var attributes) || attributes.ValueKind == JsonValueKind.Null)
        {
            return RetrievalDocument.EmptyAttributes;
        }

        if (attributes.ValueKind != JsonValueKind.Object)
        {
            throw RetrievalException.Invalid($"{relative}: \"attributes\" must be an object");
        }

        return DocumentAttributes.Read(attributes);
    }

    private static string? FirstHeading(string body) =>
        body.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim();
}

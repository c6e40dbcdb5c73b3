using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Portability;

/// <summary>
/// The portable file of one tenant's documents (<c>mcprag export</c> / <c>mcprag import</c>): JSON Lines, a header line,
/// one line per document (id, title, url, text, attributes and, optionally, its vector as base64 of little-endian
/// float32), and an end line with the document count. Written to a temporary file and renamed, so a file under the
/// final name is always complete; a file without its end line (copied in part, truncated) is refused on import.
/// </summary>
public static class TenantExportFile
{
    public const string Format = "mcprag-export";
    public const int Version = 1;

    public static async Task WriteAsync(string path, TenantExportHeader header, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> documents, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".partial";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        await using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            await writer.WriteLineAsync(new JsonObject
            {
                ["format"] = Format,
                ["version"] = Version,
                ["tenant"] = header.Tenant,
                ["documents"] = documents.Count,
                ["model"] = header.Model,
                ["dimensions"] = header.Dimensions,
                ["exported_at"] = header.ExportedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            }.ToJsonString());
            foreach (var (document, vector) in documents)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var attributes = new JsonObject();
                foreach (var (name, values) in document.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
                {
                    attributes[name] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
                }

                var line = new JsonObject
                {
                    ["id"] = document.Id,
                    ["title"] = document.Title,
                    ["url"] = document.Url,
                    ["text"] = document.Text,
                    ["attributes"] = attributes,
                };
                if (vector is not null)
                {
                    line["vector"] = Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()));
                }

                await writer.WriteLineAsync(line.ToJsonString());
            }

            await writer.WriteLineAsync(new JsonObject { ["end"] = true, ["documents"] = documents.Count }.ToJsonString());
            await writer.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Reads a whole export file; a file that is not one, of another version, or incomplete fails with a one-line <see cref="FormatException"/>.</summary>
    public static async Task<(TenantExportHeader Header, IReadOnlyList<(RetrievalDocument Document, float[]? Vector)> Documents)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FormatException($"export file not found: {path}");
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        var headerLine = await reader.ReadLineAsync(cancellationToken) ?? throw new FormatException($"{path} is empty");
        var header = ParseHeader(path, headerLine);
        var documents = new List<(RetrievalDocument, float[]?)>();
        var lineNo = 1;
        while (true)
        {
            lineNo++;
            var line = await reader.ReadLineAsync(cancellationToken)
                ?? throw new FormatException($"{path} is incomplete: it ends after {documents.Count} of {header.Documents} documents without its end line");
            var node = Parse(path, lineNo, line);
            if (node["end"] is not null)
            {
                if (documents.Count != header.Documents || Int(node, "documents") != header.Documents)
                {
                    throw new FormatException($"{path} holds {documents.Count} documents but says {header.Documents}");
                }

                return (header, documents);
            }

            documents.Add(ParseDocument(path, lineNo, node, header.Dimensions));
        }
    }

    private static TenantExportHeader ParseHeader(string path, string line)
    {
        var node = Parse(path, 1, line);
        if (Text(node, "format") != Format)
        {
            throw new FormatException($"{path} is not an mcprag export file");
        }

        if (Int(node, "version") != Version)
        {
            throw new FormatException($"{path} is export format version {node["version"]?.ToJsonString()}; this mcprag reads version {Version}");
        }

        var tenant = Text(node, "tenant") ?? throw new FormatException($"{path}: the header names no tenant");
        var documents = Int(node, "documents") is >= 0 and var count ? count : throw new FormatException($"{path}: the header has no document count");
        var exportedAt = DateTimeOffset.TryParse(Text(node, "exported_at"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at) ? at : DateTimeOffset.MinValue;
        return new TenantExportHeader(tenant, documents, Text(node, "model"), Int(node, "dimensions") is > 0 and var d ? d : null, exportedAt);
    }

    private static (RetrievalDocument, float[]?) ParseDocument(string path, int lineNo, JsonObject node, int? dimensions)
    {
        var id = Text(node, "id") ?? throw new FormatException($"{path} line {lineNo}: a document without an id");
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (node["attributes"] is JsonObject values)
        {
            foreach (var (name, value) in values)
            {
                attributes[name] = value is JsonArray array
                    ? array.Select(v => v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new FormatException($"{path} line {lineNo}: attribute '{name}' holds a non-text value")).ToArray()
                    : throw new FormatException($"{path} line {lineNo}: attribute '{name}' is not a list");
            }
        }

        var document = new RetrievalDocument(id, Text(node, "title") ?? string.Empty, Text(node, "text") ?? string.Empty)
        {
            Url = Text(node, "url"),
            Attributes = attributes,
        };
        float[]? vector = null;
        if (Text(node, "vector") is { } encoded)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(encoded);
            }
            catch (FormatException)
            {
                throw new FormatException($"{path} line {lineNo}: the vector is not base64");
            }

            vector = bytes.Length % sizeof(float) == 0 ? MemoryMarshal.Cast<byte, float>(bytes).ToArray() : throw new FormatException($"{path} line {lineNo}: the vector is not a list of float32");
            if (dimensions is { } size && vector.Length != size)
            {
                throw new FormatException($"{path} line {lineNo}: the vector has {vector.Length} dimensions; the header says {size}");
            }
        }

        return (document, vector);
    }

    private static JsonObject Parse(string path, int lineNo, string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject ?? throw new FormatException($"{path} line {lineNo} is not a JSON object");
        }
        catch (JsonException)
        {
            throw new FormatException($"{path} line {lineNo} is not valid JSON");
        }
    }

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static int? Int(JsonObject node, string name) =>
        node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) ? number : null;
}

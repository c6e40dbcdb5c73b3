using System.Text.Json;

namespace McpRag.Retrieval.Search;

/// <summary>
/// Reads a document's attributes from JSON, the one shape every JSON source uses (ingest files, OpenSearch sources):
/// an object mapping each name to a value or a list of values. Values that are not strings keep their JSON text.
/// </summary>
public static class DocumentAttributes
{
    /// <summary>The attributes of <paramref name="attributes"/>; anything but an object holds none.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Read(JsonElement attributes)
    {
        if (attributes.ValueKind != JsonValueKind.Object)
        {
            return RetrievalDocument.EmptyAttributes;
        }

        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var attribute in attributes.EnumerateObject())
        {
            result[attribute.Name] = attribute.Value.ValueKind == JsonValueKind.Array
                ? attribute.Value.EnumerateArray().Select(v => v.ToString()).ToArray()
                : [attribute.Value.ToString()];
        }

        return result;
    }
}

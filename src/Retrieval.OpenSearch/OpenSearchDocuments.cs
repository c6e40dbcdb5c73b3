using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Maps McpRag documents to OpenSearch sources and hits back to documents and search hits, with the route's field
/// names. A McpRag document is a record (whole text, first passage's vector) and one passage document per further
/// passage; both carry what a hit needs (tenant, ids, title, url, attributes).
/// </summary>
internal static class OpenSearchDocuments
{
    /// <summary>A second check behind the query filter: a shared-index hit must carry the caller's tenant.</summary>
    public static bool BelongsTo(OpenSearchRoute os, OpenSearchHit hit, string tenantId) =>
        ReadString(hit.Source, os.TenantField) == tenantId;

    /// <summary>The hit of a search whose snippets hold about <paramref name="snippetChars"/> characters (the highlight's fragment, else the text's start).</summary>
    public static SearchHit ToHit(OpenSearchRoute os, OpenSearchHit hit, int snippetChars = SnippetText.Length)
    {
        var text = ReadString(hit.Source, os.TextField) ?? string.Empty;
        var snippet = hit.Highlight.TryGetValue(os.TextField, out var fragments) && fragments.Count > 0 ? fragments[0].Trim() : SnippetText.Shorten(text, snippetChars);
        var id = ReadString(hit.Source, OpenSearchFields.DocId) ?? DocumentIdOf(hit.Id);
        return new SearchHit(id, ReadString(hit.Source, os.TitleField) ?? id, ReadString(hit.Source, OpenSearchFields.Url), snippet, Math.Round(hit.Score ?? 0, 6), AttributesOf(hit.Source))
        {
            SnippetTruncated = SnippetText.IsCut(snippet, text, OpenSearchQueries.HighlightTag),
        };
    }

    public static RetrievalDocument ToDocument(OpenSearchRoute os, OpenSearchHit hit) =>
        new(ReadString(hit.Source, OpenSearchFields.DocId) ?? DocumentIdOf(hit.Id), ReadString(hit.Source, os.TitleField) ?? string.Empty, ReadString(hit.Source, os.TextField) ?? string.Empty)
        {
            Url = ReadString(hit.Source, OpenSearchFields.Url),
            Attributes = AttributesOf(hit.Source),
        };

    /// <summary>Record and passage hits collapsed to one per document, in rank order (the best-ranked hit stays).</summary>
    public static List<OpenSearchHit> ByDocument(OpenSearchRoute os, IEnumerable<OpenSearchHit> hits)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return hits.Where(h => seen.Add(DocumentOf(os, h))).ToList();
    }

    /// <summary>The document a record or passage hit belongs to.</summary>
    public static string DocumentOf(OpenSearchRoute os, OpenSearchHit hit) => ReadString(hit.Source, OpenSearchFields.DocId) ?? DocumentIdOf(hit.Id);

    /// <summary>A document's record: its whole text, the first passage's vector and, for several passages, their number.</summary>
    public static JsonObject Source(OpenSearchRoute os, string tenantId, RetrievalDocument document, string key, string hash, float[] vector, int passages)
    {
        var attributes = new JsonObject();
        foreach (var (name, values) in document.Attributes)
        {
            attributes[name] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        }

        var source = new JsonObject
        {
            [os.TenantField] = tenantId,
            [OpenSearchFields.DocId] = document.Id,
            [OpenSearchFields.DocKey] = key,
            [os.TitleField] = document.Title,
            [os.TextField] = document.Text,
            [OpenSearchFields.Attributes] = attributes,
            [OpenSearchFields.ContentHash] = hash,
            [OpenSearchFields.EmbeddingModel] = os.EmbeddingModel,
            [os.VectorField] = new JsonArray(vector.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
        };
        if (document.Url is not null)
        {
            source[OpenSearchFields.Url] = document.Url;
        }

        if (passages > 1)
        {
            source[OpenSearchFields.Passages] = passages;
        }

        return source;
    }

    /// <summary>A passage document: what a hit needs (tenant, ids, title, url, attributes) and the passage's text and vector.</summary>
    public static JsonObject PassageSource(OpenSearchRoute os, string tenantId, RetrievalDocument document, string key, int passage, string text, float[] vector)
    {
        var source = Source(os, tenantId, document, key, hash: string.Empty, vector, passages: 1);
        source.Remove(OpenSearchFields.ContentHash);
        source[os.TextField] = text;
        source[OpenSearchFields.Passage] = passage;
        return source;
    }

    /// <summary>How many passages a stored record says its document has (1 when it says nothing).</summary>
    public static int PassageCount(JsonElement source) =>
        source.ValueKind == JsonValueKind.Object && source.TryGetProperty(OpenSearchFields.Passages, out var value) && value.TryGetInt32(out var count) && count >= 1 ? count : 1;

    public static string? ReadString(JsonElement source, string field) =>
        source.ValueKind == JsonValueKind.Object && source.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> AttributesOf(JsonElement source) =>
        source.ValueKind == JsonValueKind.Object && source.TryGetProperty(OpenSearchFields.Attributes, out var values)
            ? DocumentAttributes.Read(values)
            : RetrievalDocument.EmptyAttributes;

    private static string DocumentIdOf(string key) => key[(key.IndexOf(':') + 1)..];
}

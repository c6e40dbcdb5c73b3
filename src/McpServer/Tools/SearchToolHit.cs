using System.ComponentModel;
using System.Text.Json.Serialization;

namespace McpRag.McpServer.Tools;

/// <summary>One search result.</summary>
internal sealed record SearchToolHit(
    [property: JsonPropertyName("id"), Description("Document id; pass to 'fetch' for the whole text. When the tenant searches several sources it starts with the source's name: '<source>:<id>'.")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url"), Description("Where the document lives: its own URL, or its mcprag://documents/{id} resource URI when it has none.")] string Url,
    [property: JsonPropertyName("snippet"), Description("The passage that matched; query terms in **bold** where found.")] string Snippet,
    [property: JsonPropertyName("score"), Description("Relevance; comparable only within one result list (BM25 for keyword, cosine for semantic, fused score for hybrid, reciprocal rank across several sources).")] double Score,
    [property: JsonPropertyName("attributes"), Description("Document attributes, usable in 'filters'.")] IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes)
{
    /// <summary>The source the hit came from, on a route of several sources; absent otherwise.</summary>
    [JsonPropertyName("source")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The tenant's source this result came from, when the tenant searches several sources.")]
    public string? Source { get; init; }

    /// <summary>Whether the snippet shows less than the passage it comes from.</summary>
    [JsonPropertyName("snippet_truncated")]
    [Description("True when the snippet shows only part of the matching passage (see 'snippet_chars'; 'fetch' reads the whole document).")]
    public bool SnippetTruncated { get; init; }
}

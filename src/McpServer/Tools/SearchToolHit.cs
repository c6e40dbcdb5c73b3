using System.ComponentModel;
using System.Text.Json.Serialization;

namespace McpRag.McpServer.Tools;

/// <summary>One search result.</summary>
internal sealed record SearchToolHit(
    [property: JsonPropertyName("id"), Description("Document id; pass to 'fetch' for the whole text.")] string Id,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url"), Description("Where the document lives: its own URL, or its mcprag://documents/{id} resource URI when it has none.")] string Url,
    [property: JsonPropertyName("snippet"), Description("The passage that matched; query terms in **bold** where found.")] string Snippet,
    [property: JsonPropertyName("score"), Description("Relevance; comparable only within one result list (BM25 for keyword, cosine for semantic, fused score for hybrid).")] double Score,
    [property: JsonPropertyName("attributes"), Description("Document attributes, usable in 'filters'.")] IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes);

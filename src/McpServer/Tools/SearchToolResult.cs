using System.ComponentModel;
using System.Text.Json.Serialization;

namespace McpRag.McpServer.Tools;

/// <summary>Structured result of <c>search</c>; its JSON schema is the tool's declared output schema.</summary>
internal sealed record SearchToolResult(
    [property: JsonPropertyName("results"), Description("Matching documents of the caller's tenant, best first.")] IReadOnlyList<SearchToolHit> Results,
    [property: JsonPropertyName("next_cursor"), Description("Pass as 'cursor' to get the next page; null when there is none.")] string? NextCursor,
    [property: JsonPropertyName("tenant"), Description("The caller's tenant, taken from the token.")] string Tenant,
    [property: JsonPropertyName("backend"), Description("Backend that answered: local, opensearch or qindex; 'sources' when the tenant searches several sources (each result's 'source' names its own).")] string Backend,
    [property: JsonPropertyName("mode"), Description("Ranking used: hybrid, keyword or semantic.")] string Mode)
{
    /// <summary>Sources of the tenant that did not answer this time; absent when every source answered.</summary>
    [JsonPropertyName("warnings")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Sources whose results are missing from this page, each with the reason; absent when every source answered.")]
    public IReadOnlyList<SearchToolWarning>? Warnings { get; init; }
}

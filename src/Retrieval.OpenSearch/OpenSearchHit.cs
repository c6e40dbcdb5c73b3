using System.Text.Json;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>One hit of a search response: <c>_id</c>, <c>_score</c>, <c>_source</c>, <c>highlight</c> and <c>sort</c>.</summary>
public sealed record OpenSearchHit(string Id, double? Score, JsonElement Source, IReadOnlyDictionary<string, IReadOnlyList<string>> Highlight, JsonElement? Sort);

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>The parts of a search response McpRag reads.</summary>
public sealed record OpenSearchSearchResponse(IReadOnlyList<OpenSearchHit> Hits, long Total);

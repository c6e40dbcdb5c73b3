namespace McpRag.Retrieval.Search;

/// <summary>A page of hits and the backend's position of the next page, if there is one.</summary>
public sealed record SearchPage(IReadOnlyList<SearchHit> Hits, string? NextPosition)
{
    /// <summary>Sources of a several-source route that did not answer, each with a one-line reason; empty otherwise.</summary>
    public IReadOnlyList<SearchWarning> Warnings { get; init; } = [];

    /// <summary>How each source of a several-source route fared (for the audit trail); <c>null</c> on a single-backend route.</summary>
    public IReadOnlyList<SourceReport>? Sources { get; init; }
}

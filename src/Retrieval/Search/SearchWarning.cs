namespace McpRag.Retrieval.Search;

/// <summary>
/// A source whose results are missing from a page, and why in one line the caller may read (no host, no stack trace):
/// the page still holds the other sources' results.
/// </summary>
public sealed record SearchWarning(string Source, string Reason);

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// What <see cref="LocalIndexCheck"/> found in one index folder: its size and every problem, each a short sentence
/// an operator can act on. <see cref="Problems"/> empty means consistent.
/// </summary>
public sealed record LocalIndexCheckReport(bool Exists, int Segments, int Documents, int Chunks, string? Model, IReadOnlyList<string> Problems)
{
    public bool Healthy => Problems.Count == 0;
}

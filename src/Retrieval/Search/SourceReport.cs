namespace McpRag.Retrieval.Search;

/// <summary>
/// How one source of a several-source route fared in a search, for the audit event of the call: its backend, outcome
/// (<see cref="Ok"/>, <see cref="Failed"/>, <see cref="TimedOut"/>, or <see cref="Exhausted"/> when earlier pages used
/// up its results and it was not asked), how long it took and how many hits it gave the page.
/// </summary>
public sealed record SourceReport(string Name, string Backend, string Outcome, double LatencyMs, int Hits)
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string TimedOut = "timeout";
    public const string Exhausted = "exhausted";
}

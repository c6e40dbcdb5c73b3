namespace McpRag.Benchmarks.Quality;

/// <summary>What one sweep setting measured on one collection, in one mode.</summary>
internal sealed record SweepPoint(string Set, string Parameter, double Value, string Dataset, string Mode, double Ndcg10, double Recall100, double MedianMs, double P99Ms, string Settings)
{
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}

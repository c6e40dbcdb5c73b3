using McpRag.Benchmarks.Hosting;

namespace McpRag.Benchmarks.Quality;

/// <summary>One evaluation of one collection with one backend configuration, through one search path.</summary>
internal sealed record QualityRun(string Dataset, LocalSettings Settings, string SearchPath, IngestFigures Ingest, IReadOnlyList<ModeQuality> Modes)
{
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}

using McpRag.Benchmarks.Ingest;
using McpRag.Benchmarks.Load;
using McpRag.Benchmarks.Quality;
using McpRag.Benchmarks.Scale;

namespace McpRag.Benchmarks.Reporting;

/// <summary>The latest results of every section, as read back from the result store.</summary>
internal sealed record ReportData(
    MachineInfo? Machine,
    IReadOnlyList<QualityRun> Quality,
    LoadResults? Load,
    IReadOnlyList<ScalePoint>? Scale,
    IReadOnlyList<IngestResult>? Ingest)
{
    /// <summary>The <c>vector-recall</c> table (markdown), when it was run.</summary>
    public string? VectorRecall { get; init; }
}

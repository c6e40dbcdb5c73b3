namespace McpRag.Benchmarks.Quality;

/// <summary>What building an index took; kept beside the cached index so a second run can still report it.</summary>
internal sealed record IngestFigures(int Documents, int Chunks, double Seconds, bool FromCache);

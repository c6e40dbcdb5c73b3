using McpRag.Benchmarks.Hosting;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks.Quality;

/// <summary>One setting of a sweep: the parameter varied, its value, the settings it gives and the modes it changes.</summary>
internal sealed record SweepVariant(string Parameter, double Value, LocalSettings Settings, SearchMode Mode);

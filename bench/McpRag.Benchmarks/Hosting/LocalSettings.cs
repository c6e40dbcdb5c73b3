using System.Globalization;
using System.Text.Json.Nodes;
using McpRag.Retrieval.Backends.Local;

namespace McpRag.Benchmarks.Hosting;

/// <summary>
/// The local backend's tuning for one run, written into the server's configuration file (<c>McpRag:Local</c>)
/// so the benchmark exercises the same options binding and start-up validation as a deployment.
/// </summary>
internal sealed record LocalSettings(string Model, string Fusion, int RrfK, double SemanticWeight, int ChunkWords, int OverlapWords)
{
    /// <summary>The product's own defaults (<see cref="LocalBackendOptions"/>), which the headline figures use.</summary>
    public static LocalSettings Product { get; } = FromOptions(new LocalBackendOptions());

    public static LocalSettings FromOptions(LocalBackendOptions o) =>
        new(o.Model, o.Fusion.ToString().ToLowerInvariant(), o.RrfK, o.SemanticWeight, o.Chunking.ChunkWords, o.Chunking.OverlapWords);

    /// <summary>What the built index depends on; fusion settings apply at query time and share one index.</summary>
    public string IndexKey => $"{Model}-c{ChunkWords}-o{OverlapWords}";

    public string Describe() => Fusion == "linear"
        ? string.Create(CultureInfo.InvariantCulture, $"{Model}, chunks {ChunkWords}/{OverlapWords} words, linear fusion w={SemanticWeight:0.##}")
        : string.Create(CultureInfo.InvariantCulture, $"{Model}, chunks {ChunkWords}/{OverlapWords} words, RRF k={RrfK}");

    public JsonObject ToConfiguration() => new()
    {
        ["Model"] = Model,
        ["Fusion"] = Fusion,
        ["RrfK"] = RrfK,
        ["SemanticWeight"] = SemanticWeight,
        ["Chunking"] = new JsonObject { ["ChunkWords"] = ChunkWords, ["OverlapWords"] = OverlapWords },
    };
}

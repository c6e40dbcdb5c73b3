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
    /// <summary>Share of the whole-document score in keyword search (query time: shares the index).</summary>
    public double KeywordDocumentWeight { get; init; } = new LocalBackendOptions().KeywordDocumentWeight;

    /// <summary>Share of the document vector in semantic search (query time: shares the index).</summary>
    public double SemanticDocumentWeight { get; init; } = new LocalBackendOptions().SemanticDocumentWeight;

    /// <summary>Title boost of BM25 (query time: shares the index).</summary>
    public double TitleBoost { get; init; } = new LocalBackendOptions().TitleBoost;

    /// <summary>Top documents of RM3 pseudo-relevance feedback, 0 = off (query time: shares the index).</summary>
    public int FeedbackDocuments { get; init; } = new LocalBackendOptions().FeedbackDocuments;

    /// <summary>Expansion words of RM3 feedback (query time: shares the index).</summary>
    public int FeedbackTerms { get; init; } = new LocalBackendOptions().FeedbackTerms;

    /// <summary>Share of the original query in the RM3-expanded query (query time: shares the index).</summary>
    public double FeedbackQueryWeight { get; init; } = new LocalBackendOptions().FeedbackQueryWeight;

    /// <summary>The product's own defaults (<see cref="LocalBackendOptions"/>), which the headline figures use.</summary>
    public static LocalSettings Product { get; } = FromOptions(new LocalBackendOptions());

    public static LocalSettings FromOptions(LocalBackendOptions o) =>
        new(o.Model, o.Fusion.ToString().ToLowerInvariant(), o.RrfK, o.SemanticWeight, o.Chunking.ChunkWords, o.Chunking.OverlapWords)
        {
            KeywordDocumentWeight = o.KeywordDocumentWeight,
            SemanticDocumentWeight = o.SemanticDocumentWeight,
            TitleBoost = o.TitleBoost,
            FeedbackDocuments = o.FeedbackDocuments,
            FeedbackTerms = o.FeedbackTerms,
            FeedbackQueryWeight = o.FeedbackQueryWeight,
        };

    /// <summary>What the built index depends on; fusion settings apply at query time and share one index.</summary>
    public string IndexKey => $"{Model}-c{ChunkWords}-o{OverlapWords}";

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Model}, chunks {ChunkWords}/{OverlapWords} words, {DescribeQuery()}");

    /// <summary>The query-time settings alone: what differs between runs on one index.</summary>
    public string DescribeQuery() => string.Create(
        CultureInfo.InvariantCulture,
        $"document weight keyword {KeywordDocumentWeight:0.##} / semantic {SemanticDocumentWeight:0.##}, title boost {TitleBoost:0.##}, ")
        + (FeedbackDocuments > 0 ? string.Create(CultureInfo.InvariantCulture, $"RM3 {FeedbackDocuments} documents / {FeedbackTerms} terms / query {FeedbackQueryWeight:0.##}, ") : "")
        + (Fusion == "rrf" ? string.Create(CultureInfo.InvariantCulture, $"RRF k={RrfK}") : string.Create(CultureInfo.InvariantCulture, $"{Fusion} fusion w={SemanticWeight:0.##}"));

    public JsonObject ToConfiguration() => new()
    {
        ["Model"] = Model,
        ["Fusion"] = Fusion,
        ["RrfK"] = RrfK,
        ["SemanticWeight"] = SemanticWeight,
        ["KeywordDocumentWeight"] = KeywordDocumentWeight,
        ["SemanticDocumentWeight"] = SemanticDocumentWeight,
        ["TitleBoost"] = TitleBoost,
        ["FeedbackDocuments"] = FeedbackDocuments,
        ["FeedbackTerms"] = FeedbackTerms,
        ["FeedbackQueryWeight"] = FeedbackQueryWeight,

        // Every figure measures the model: no query vector is served from the cache.
        ["QueryVectorCacheSize"] = 0,
        ["Chunking"] = new JsonObject { ["ChunkWords"] = ChunkWords, ["OverlapWords"] = OverlapWords },
    };
}

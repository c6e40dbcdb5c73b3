using McpRag.Benchmarks.Hosting;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks.Quality;

/// <summary>
/// The named sweeps of <c>sweep --set</c>: each varies one query-time parameter around the product's defaults
/// (<see cref="LocalSettings.Product"/>), so every setting reuses the collection's cached index and a row differs from
/// the defaults in that parameter alone.
/// </summary>
internal static class SweepSets
{
    public static readonly string[] Names = ["levels", "fusion", "feedback"];

    private static readonly double[] Shares = [0, 0.25, 0.5, 0.75, 1];
    private static readonly double[] Weights = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

    public static IReadOnlyList<SweepVariant> Named(string name, LocalSettings defaults) => name switch
    {
        // Document- and passage-level evidence, and the title field, in the mode each one changes.
        "levels" =>
        [
            .. Shares.Select(v => new SweepVariant("keyword document weight", v, defaults with { KeywordDocumentWeight = v }, SearchMode.Keyword)),
            .. new[] { 0.0, 0.5, 1, 2, 3 }.Select(v => new SweepVariant("title boost", v, defaults with { TitleBoost = v }, SearchMode.Keyword)),
            .. Shares.Select(v => new SweepVariant("semantic document weight", v, defaults with { SemanticDocumentWeight = v }, SearchMode.Semantic)),
        ],

        // Hybrid fusion: each method across its parameter, on the same keyword and semantic rankings.
        "fusion" =>
        [
            .. Weights.Select(v => new SweepVariant("linear (min-max) w", v, defaults with { Fusion = "linear", SemanticWeight = v }, SearchMode.Hybrid)),
            .. Weights.Select(v => new SweepVariant("z-score w", v, defaults with { Fusion = "zscore", SemanticWeight = v }, SearchMode.Hybrid)),
            .. new[] { 10, 30, 60, 100 }.Select(k => new SweepVariant("RRF k", k, defaults with { Fusion = "rrf", RrfK = k }, SearchMode.Hybrid)),
        ],

        // RM3 pseudo-relevance feedback on the keyword side, in keyword search and through hybrid fusion.
        "feedback" =>
        [
            .. Feedback("RM3 documents (10 terms, query 0.8)", [0, 3, 5, 10], n => defaults with { FeedbackDocuments = (int)n, FeedbackTerms = 10, FeedbackQueryWeight = 0.8 }),
            .. Feedback("RM3 terms (5 documents, query 0.8)", [5, 10, 20], t => defaults with { FeedbackDocuments = 5, FeedbackTerms = (int)t, FeedbackQueryWeight = 0.8 }),
            .. Feedback("RM3 query weight (5 documents, 10 terms)", [0.5, 0.7, 0.8, 0.9], a => defaults with { FeedbackDocuments = 5, FeedbackTerms = 10, FeedbackQueryWeight = a }),
        ],
        _ => throw new ArgumentException($"unknown sweep '{name}'; one of: {string.Join(", ", Names)}"),
    };

    /// <summary>One feedback parameter in keyword search and through hybrid fusion (the parameter names the mode, so each is its own line).</summary>
    private static IEnumerable<SweepVariant> Feedback(string parameter, double[] values, Func<double, LocalSettings> settings) =>
        new[] { SearchMode.Keyword, SearchMode.Hybrid }.SelectMany(mode => values.Select(v =>
            new SweepVariant($"{parameter}, {mode.ToString().ToLowerInvariant()}", v, settings(v), mode)));
}

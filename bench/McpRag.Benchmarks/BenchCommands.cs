using System.Globalization;
using McpRag.Benchmarks.Beir;
using McpRag.Benchmarks.Hosting;
using McpRag.Benchmarks.Quality;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks;

/// <summary>The verbs of <c>mcprag-bench</c>.</summary>
internal static class BenchCommands
{
    public const string Usage = """
        usage: mcprag-bench <verb> [options]
          eval --dataset DIR [--modes keyword,semantic,hybrid] [--model minilm|arctic-xs] [--fusion rrf|linear]
               [--rrf-k 60] [--weight 0.5] [--chunk-words 180] [--overlap-words 30] [--via-mcp]
          all  [--datasets DIR,DIR] [--quick] [--no-peer]     run everything and rewrite docs/benchmarks.md
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Error.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var options = new BenchArguments(args.Skip(1));
        var paths = BenchPaths.Discover();
        switch (args[0])
        {
            case "eval":
                await EvalAsync(paths, options, cancellationToken);
                return 0;
            default:
                throw new ArgumentException($"unknown verb '{args[0]}'\n{Usage}");
        }
    }

    private static async Task EvalAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var dataset = BeirDataset.Open(options.Get("--dataset") ?? throw new ArgumentException("eval needs --dataset DIR"));
        var modes = ParseModes(options.List("--modes", "keyword", "semantic", "hybrid"));
        var settings = ParseSettings(options);
        var viaMcp = options.Flag("--via-mcp");
        options.EnsureAllRead();

        var run = await new QualityEvaluator(paths).RunAsync(dataset, settings, modes, viaMcp, cancellationToken);
        Console.WriteLine($"{run.Dataset}: {run.Ingest.Documents} documents, {run.Ingest.Chunks} chunks; {settings.Describe()}; via {run.SearchPath}");
        Console.WriteLine("| mode | nDCG@10 | Recall@100 | query ms (median / p99) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var mode in run.Modes)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode.Mode} | {mode.Ndcg10:0.000} | {mode.Recall100:0.000} | {mode.LatencyMs.Median:0.0} / {mode.LatencyMs.P99:0.0} |"));
        }
    }

    public static IReadOnlyList<SearchMode> ParseModes(IReadOnlyList<string> names) =>
        names.Select(n => Enum.TryParse<SearchMode>(n, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new ArgumentException($"unknown mode '{n}': use keyword, semantic or hybrid")).ToList();

    public static LocalSettings ParseSettings(BenchArguments options)
    {
        var defaults = new LocalSettings();
        return new LocalSettings(
            options.Get("--model") ?? defaults.Model,
            options.Get("--fusion") ?? defaults.Fusion,
            options.Int("--rrf-k", defaults.RrfK),
            options.Double("--weight", defaults.SemanticWeight),
            options.Int("--chunk-words", defaults.ChunkWords),
            options.Int("--overlap-words", defaults.OverlapWords));
    }
}

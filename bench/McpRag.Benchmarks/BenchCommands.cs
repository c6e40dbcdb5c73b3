using System.Globalization;
using McpRag.Benchmarks.Beir;
using McpRag.Benchmarks.Hosting;
using McpRag.Benchmarks.Quality;
using McpRag.Benchmarks.Ingest;
using McpRag.Benchmarks.Load;
using McpRag.Benchmarks.Reporting;
using McpRag.Benchmarks.Scale;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks;

/// <summary>The verbs of <c>mcprag-bench</c>.</summary>
internal static class BenchCommands
{
    public const string Usage = """
        usage: mcprag-bench <verb> [options]
          eval --dataset DIR [--modes keyword,semantic,hybrid] [--model minilm|arctic-xs] [--fusion rrf|linear]
               [--rrf-k 60] [--weight 0.5] [--chunk-words 180] [--overlap-words 30] [--via-mcp]
          load   [--seconds 3] [--repeats 3] [--clients 1,4,16,64] [--calls 300] [--no-peer]
          scale  [--sizes 1000,10000,100000] [--tenants 100] [--queries 200]
          ingest [--dataset DIR] [--documents 300]
          tenant-stats [--chunks 20000] [--tenants 100] [--queries 300]   cost of per-tenant ranking statistics (prints figures)
          write-interference [--writers 4] [--seconds 30]                another tenant's search latency during maximal writes
          report                                           rewrite docs/benchmarks.md from the latest results
          all    [--datasets DIR,DIR] [--quick] [--no-peer]  every section above, then report
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
            case "load":
                await LoadAsync(paths, options, cancellationToken);
                break;
            case "scale":
                await ScaleAsync(paths, options, cancellationToken);
                break;
            case "ingest":
                await IngestAsync(paths, options, cancellationToken);
                break;
            case "write-interference":
                await WriteInterferenceAsync(paths, options, cancellationToken);
                return 0;
            case "tenant-stats":
                await TenantStatisticsAsync(paths, options, cancellationToken);
                return 0;
            case "scale-point":
                await ScalePointAsync(paths, options, cancellationToken);
                return 0;
            case "report":
                options.EnsureAllRead();
                break;
            case "all":
                await AllAsync(paths, options, cancellationToken);
                break;
            default:
                throw new ArgumentException($"unknown verb '{args[0]}'\n{Usage}");
        }

        Report(paths);
        return 0;
    }

    private static void Report(BenchPaths paths)
    {
        var store = new ResultStore(paths);
        var data = new ReportData(
            store.Read<MachineInfo>("machine"),
            store.ReadAll<QualityRun>("quality"),
            store.Read<LoadResults>("load"),
            store.Read<List<ScalePoint>>("scale"),
            store.Read<List<IngestResult>>("ingest"));
        var writer = new ReportWriter(paths);
        writer.Charts(data);
        writer.Write(data);
        Console.Error.WriteLine($"report: {Path.GetRelativePath(paths.Root, paths.Report)} and charts in {Path.GetRelativePath(paths.Root, paths.Charts)}");
    }

    private static async Task LoadAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var generator = new LoadGenerator(TimeSpan.FromSeconds(options.Double("--seconds", 3)), options.Int("--repeats", 3), warmupCalls: 20);
        var clients = options.List("--clients", "1", "4", "16", "64").Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        var calls = options.Int("--calls", 300);
        var peer = !options.Flag("--no-peer");
        options.EnsureAllRead();
        var store = new ResultStore(paths);
        store.Save("machine", MachineInfo.Capture(paths.Root));
        store.Save("load", await new LoadBenchmark(paths, generator, clients, calls, peer).RunAsync(cancellationToken));
    }

    private static async Task ScaleAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var sizes = options.List("--sizes", "1000", "10000", "100000").Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
        var tenants = options.Int("--tenants", 100);
        var queries = options.Int("--queries", 200);
        options.EnsureAllRead();
        new ResultStore(paths).Save("scale", await ScaleBenchmark.RunAsync(paths, sizes, tenants, queries, cancellationToken));
    }

    private static async Task WriteInterferenceAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var writers = options.Int("--writers", 4);
        var seconds = options.Int("--seconds", 30);
        options.EnsureAllRead();
        using var model = new MiniLmEmbeddingGenerator();
        var result = await new WriteInterferenceBenchmark(paths, model).RunAsync(writers, TimeSpan.FromSeconds(seconds), cancellationToken);
        new ResultStore(paths).Save("write-interference", result);
    }

    private static async Task TenantStatisticsAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var chunks = options.Int("--chunks", 20_000);
        var tenants = options.Int("--tenants", 100);
        var queries = options.Int("--queries", 300);
        options.EnsureAllRead();
        using var model = new MiniLmEmbeddingGenerator();
        var result = await new TenantStatisticsBenchmark(paths, model).RunAsync(chunks, tenants, queries, cancellationToken);
        new ResultStore(paths).Save($"tenant-stats-{chunks}-{tenants}", result);
    }

    private static async Task ScalePointAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var chunks = options.Int("--chunks", 1_000);
        var tenants = options.Int("--tenants", 1);
        var queries = options.Int("--queries", 200);
        options.EnsureAllRead();
        using var model = new MiniLmEmbeddingGenerator();
        await new ScaleBenchmark(paths, model, queries).MeasurePointAsync(chunks, tenants, cancellationToken);
    }

    private static async Task IngestAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var dataset = options.Get("--dataset") is { } folder ? BeirDataset.Open(folder) : null;
        var count = options.Int("--documents", 300);
        options.EnsureAllRead();
        using var model = new MiniLmEmbeddingGenerator();
        var benchmark = new IngestBenchmark(paths, model);
        var samples = DocumentLoader.Enumerate([Path.Combine(paths.Root, "samples", "documents")])
            .SelectMany(f => DocumentLoader.Load(f.File, f.Root)).ToList();
        var results = new List<IngestResult> { await benchmark.RunAsync("samples (4 tenants)", samples, cancellationToken) };
        if (dataset is not null)
        {
            results.Add(await benchmark.RunAsync($"{dataset.Name} (first {count} documents)", dataset.ReadCorpus().Take(count).ToList(), cancellationToken));
        }

        new ResultStore(paths).Save("ingest", results);
    }

    /// <summary>Every section with its defaults, then the report. <c>--quick</c> shrinks each section for a smoke run.</summary>
    private static async Task AllAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var datasets = options.List("--datasets", Path.Combine(paths.Root, "..", "shared", "data", "cranfield"), Path.Combine(paths.Root, "..", "shared", "data", "cisi"))
            .Select(BeirDataset.Open).ToList();
        var quick = options.Flag("--quick");
        var peer = !options.Flag("--no-peer");
        options.EnsureAllRead();
        var store = new ResultStore(paths);
        store.Save("machine", MachineInfo.Capture(paths.Root));
        var modes = ParseModes(["keyword", "semantic", "hybrid"]);
        foreach (var dataset in datasets)
        {
            var evaluator = new QualityEvaluator(paths);
            store.Append("quality", await evaluator.RunAsync(dataset, LocalSettings.Product, modes, viaMcp: false, cancellationToken));
        }

        store.Append("quality", await new QualityEvaluator(paths).RunAsync(datasets[0], LocalSettings.Product, modes, viaMcp: true, cancellationToken));

        var generator = new LoadGenerator(TimeSpan.FromSeconds(quick ? 1 : 3), quick ? 1 : 3, warmupCalls: 20);
        store.Save("load", await new LoadBenchmark(paths, generator, quick ? [1, 4] : [1, 4, 16, 64], quick ? 50 : 300, peer).RunAsync(cancellationToken));

        store.Save("scale", await ScaleBenchmark.RunAsync(paths, quick ? [1_000, 10_000] : [1_000, 10_000, 100_000], quick ? 10 : 100, quick ? 30 : 200, cancellationToken));

        using var model = new MiniLmEmbeddingGenerator();

        var benchmark = new IngestBenchmark(paths, model);
        var samples = DocumentLoader.Enumerate([Path.Combine(paths.Root, "samples", "documents")]).SelectMany(f => DocumentLoader.Load(f.File, f.Root)).ToList();
        var count = quick ? 50 : 200;
        store.Save("ingest", new List<IngestResult>
        {
            await benchmark.RunAsync("samples (4 tenants)", samples, cancellationToken),
            await benchmark.RunAsync($"{datasets[0].Name} (first {count} documents)", datasets[0].ReadCorpus().Take(count).ToList(), cancellationToken),
        });
    }

    private static async Task EvalAsync(BenchPaths paths, BenchArguments options, CancellationToken cancellationToken)
    {
        var dataset = BeirDataset.Open(options.Get("--dataset") ?? throw new ArgumentException("eval needs --dataset DIR"));
        var modes = ParseModes(options.List("--modes", "keyword", "semantic", "hybrid"));
        var settings = ParseSettings(options);
        var viaMcp = options.Flag("--via-mcp");
        options.EnsureAllRead();

        var run = await new QualityEvaluator(paths).RunAsync(dataset, settings, modes, viaMcp, cancellationToken);
        new ResultStore(paths).Append("quality", run);
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
        var defaults = LocalSettings.Product;
        return new LocalSettings(
            options.Get("--model") ?? defaults.Model,
            options.Get("--fusion") ?? defaults.Fusion,
            options.Int("--rrf-k", defaults.RrfK),
            options.Double("--weight", defaults.SemanticWeight),
            options.Int("--chunk-words", defaults.ChunkWords),
            options.Int("--overlap-words", defaults.OverlapWords));
    }
}

using System.CommandLine;
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

using static McpRag.Benchmarks.BenchOptions;

namespace McpRag.Benchmarks;

/// <summary>
/// The verbs of <c>mcprag-bench</c> on System.CommandLine (as the server's own CLI): unknown options and values that
/// do not parse are refused before anything runs, and <c>--help</c> lists every verb's options with their defaults.
/// </summary>
internal static class BenchCommands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("mcprag-bench: retrieval quality, load, scale and ingest benchmarks; writes docs/benchmarks.md.");
        root.Subcommands.Add(Eval());
        root.Subcommands.Add(Sweep());
        root.Subcommands.Add(Load());
        root.Subcommands.Add(Scale());
        root.Subcommands.Add(Ingest());
        root.Subcommands.Add(TenantStats());
        root.Subcommands.Add(WriteInterference());
        root.Subcommands.Add(ScalePoint());
        root.Subcommands.Add(Encode());
        root.Subcommands.Add(LoadServer());
        root.Subcommands.Add(VectorRecall());
        root.Subcommands.Add(Verb("report", "Rewrite docs/benchmarks.md from the latest results.", report: true, [], (_, _, _) => Task.CompletedTask));
        root.Subcommands.Add(All());
        return root;
    }

    /// <summary>A verb whose action gets the repository paths; <paramref name="report"/> rewrites the report after it.</summary>
    private static Command Verb(string name, string description, bool report, Option[] options, Func<BenchPaths, ParseResult, CancellationToken, Task> action)
    {
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var paths = BenchPaths.Discover();
            await action(paths, result, cancellationToken);
            if (report)
            {
                Report(paths);
            }
        });
        return command;
    }

    private static Command Eval()
    {
        var dataset = new Option<string>("--dataset") { Description = "BEIR folder (corpus, queries, qrels)", Required = true };
        var modes = Modes();
        var defaults = LocalSettings.Product;
        var model = Value("--model", defaults.Model, "minilm or arctic-xs");
        var fusion = Value("--fusion", defaults.Fusion, "rrf, linear or zscore");
        var rrfK = Value("--rrf-k", defaults.RrfK, "Reciprocal-rank-fusion constant");
        var weight = Value("--weight", defaults.SemanticWeight, "Semantic weight of linear fusion");
        var keywordDocument = Value("--keyword-document-weight", defaults.KeywordDocumentWeight, "Share of the whole-document BM25 score in keyword search");
        var semanticDocument = Value("--semantic-document-weight", defaults.SemanticDocumentWeight, "Share of the document vector in semantic search");
        var titleBoost = Value("--title-boost", defaults.TitleBoost, "BM25 weight of the title field");
        var chunkWords = Value("--chunk-words", defaults.ChunkWords, "Words per passage");
        var overlapWords = Value("--overlap-words", defaults.OverlapWords, "Words of overlap between passages");
        var viaMcp = new Option<bool>("--via-mcp") { Description = "Search through the MCP server instead of the backend" };
        return Verb("eval", "nDCG@10 and Recall@100 per mode on one BEIR dataset.", report: false,
            [dataset, modes, model, fusion, rrfK, weight, keywordDocument, semanticDocument, titleBoost, chunkWords, overlapWords, viaMcp],
            (paths, r, ct) => EvalAsync(paths, BeirDataset.Open(r.GetValue(dataset)!), r.GetValue(modes)!,
                new LocalSettings(r.GetValue(model)!, r.GetValue(fusion)!, r.GetValue(rrfK), r.GetValue(weight), r.GetValue(chunkWords), r.GetValue(overlapWords))
                {
                    KeywordDocumentWeight = r.GetValue(keywordDocument),
                    SemanticDocumentWeight = r.GetValue(semanticDocument),
                    TitleBoost = r.GetValue(titleBoost),
                },
                r.GetValue(viaMcp), ct));
    }

    private static Command Sweep()
    {
        var shared = () => Path.Combine(BenchPaths.Discover().Root, "..", "shared", "data");
        var datasets = PathList("--datasets", () => [Path.Combine(shared(), "cranfield"), Path.Combine(shared(), "cisi")], "BEIR folders");
        var set = Value("--set", "fusion", "Parameters to sweep around the product defaults: " + string.Join(" or ", SweepSets.Names));
        return Verb("sweep", "nDCG@10, Recall@100 and latency across one parameter set on each dataset; prints a table and draws docs/benchmarks/sensitivity-<set>.svg.", report: false, [datasets, set],
            (paths, r, ct) => new QualitySweep(paths).RunAsync(r.GetValue(set)!, r.GetValue(datasets)!.Select(BeirDataset.Open).ToList(), LocalSettings.Product, ct));
    }

    private static Command Load()
    {
        var seconds = Value("--seconds", 3d, "Seconds per measurement");
        var repeats = Value("--repeats", 3, "Repeats per level");
        var clients = IntList("--clients", [1, 4, 16, 64], "Concurrent client levels");
        var calls = Value("--calls", 300, "Sequential calls per latency measurement");
        var noPeer = new Option<bool>("--no-peer") { Description = "Skip the peer server comparison" };
        var noStdio = new Option<bool>("--no-stdio") { Description = "Skip the sequential stdio measurements" };
        return Verb("load", "Throughput and latency over stdio and HTTP at each client level.", report: true, [seconds, repeats, clients, calls, noPeer, noStdio],
            async (paths, r, ct) =>
            {
                var generator = new LoadGenerator(TimeSpan.FromSeconds(r.GetValue(seconds)), r.GetValue(repeats), warmupCalls: 20);
                var store = new ResultStore(paths);
                store.Save("machine", MachineInfo.Capture(paths.Root));
                store.Save("load", await new LoadBenchmark(paths, generator, r.GetValue(clients)!, r.GetValue(calls), !r.GetValue(noPeer), !r.GetValue(noStdio)).RunAsync(ct));
            });
    }

    private static Command Scale()
    {
        var sizes = IntList("--sizes", [1_000, 10_000, 100_000], "Index sizes in passages");
        var tenants = Value("--tenants", 100, "Tenants");
        var queries = Value("--queries", 200, "Queries per point");
        return Verb("scale", "Latency and memory as the index grows.", report: true, [sizes, tenants, queries],
            async (paths, r, ct) => new ResultStore(paths).Save("scale", await ScaleBenchmark.RunAsync(paths, r.GetValue(sizes)!, r.GetValue(tenants), r.GetValue(queries), ct)));
    }

    private static Command Ingest()
    {
        var dataset = new Option<string?>("--dataset") { Description = "BEIR folder whose first documents are also ingested" };
        var documents = Value("--documents", 300, "Documents taken from the dataset");
        return Verb("ingest", "Ingest throughput on the samples and, optionally, a dataset.", report: true, [dataset, documents],
            (paths, r, ct) => IngestAsync(paths, r.GetValue(dataset) is { } folder ? BeirDataset.Open(folder) : null, r.GetValue(documents), ct));
    }

    private static Command TenantStats()
    {
        var chunks = Value("--chunks", 20_000, "Passages indexed");
        var tenants = Value("--tenants", 100, "Tenants sharing the index");
        var queries = Value("--queries", 300, "Queries measured");
        return Verb("tenant-stats", "Cost of per-tenant ranking statistics (prints figures).", report: false, [chunks, tenants, queries],
            (paths, r, ct) => TenantStatisticsAsync(paths, r.GetValue(chunks), r.GetValue(tenants), r.GetValue(queries), ct));
    }

    private static Command WriteInterference()
    {
        var writers = Value("--writers", 4, "Concurrent writers");
        var seconds = Value("--seconds", 30, "Length of the run");
        return Verb("write-interference", "Another tenant's search latency during maximal writes.", report: false, [writers, seconds],
            (paths, r, ct) => WriteInterferenceAsync(paths, r.GetValue(writers), r.GetValue(seconds), ct));
    }

    /// <summary>One point of <c>scale</c>, which runs each in a fresh process.</summary>
    private static Command Encode()
    {
        var concurrency = IntList("--concurrency", [1, 4, 16], "Concurrent callers");
        var queries = Value("--queries", 300, "Queries per measurement");
        var set = Value("--set", "runtime", "runtime (ONNX Runtime settings) or batching (the scheduler's query batching)");
        return Verb("encode", "Query encodes alone under concurrent callers, per ONNX Runtime setting or batching window.", report: false, [concurrency, queries, set],
            async (paths, r, ct) => Console.Out.Write(await new global::McpRag.Benchmarks.Encode.EncoderBenchmark(paths, r.GetValue(queries))
                .RunAsync(global::McpRag.Benchmarks.Encode.EncoderVariants.Named(r.GetValue(set)!), r.GetValue(concurrency)!, ct)));
    }

    private static Command VectorRecall()
    {
        var dataset = new Option<string>("--dataset") { Description = "BEIR folder whose passages and queries are embedded", Required = true };
        var depths = IntList("--depths", [10, 100], "k of recall@k");
        return Verb("vector-recall", "Recall@k of the 8-bit vectors (alone and rescored) against the exact float scan.", report: true, [dataset, depths],
            (paths, r, ct) => VectorRecallAsync(paths, BeirDataset.Open(r.GetValue(dataset)!), r.GetValue(depths)!, ct));
    }

    private static async Task VectorRecallAsync(BenchPaths paths, BeirDataset dataset, IReadOnlyList<int> depths, CancellationToken cancellationToken)
    {
        using var model = new MiniLmEmbeddingGenerator();
        var table = await new VectorRecallBenchmark(paths, model).RunAsync(dataset, depths, cancellationToken);
        Console.Out.Write(table);
        new ResultStore(paths).Save("vector-recall", table);
    }

    /// <summary>The server of <c>load</c>, which runs it in a process of its own to read its CPU time.</summary>
    private static Command LoadServer()
    {
        var data = new Option<string>("--data") { Description = "Deployment folder written by load", Required = true };
        var command = Verb("load-server", "The load benchmark's server in this process (run by load).", report: false, [data],
            (_, r, ct) => LoadServerProcess.ServeAsync(r.GetValue(data)!, ct));
        command.Hidden = true;
        return command;
    }

    private static Command ScalePoint()
    {
        var chunks = Value("--chunks", 1_000, "Passages indexed");
        var tenants = Value("--tenants", 1, "Tenants");
        var queries = Value("--queries", 200, "Queries measured");
        return Verb("scale-point", "One scale point in this process (run by scale).", report: false, [chunks, tenants, queries],
            (paths, r, ct) => ScalePointAsync(paths, r.GetValue(chunks), r.GetValue(tenants), r.GetValue(queries), ct));
    }

    private static Command All()
    {
        var shared = () => Path.Combine(BenchPaths.Discover().Root, "..", "shared", "data");
        var datasets = PathList("--datasets", () => [Path.Combine(shared(), "cranfield"), Path.Combine(shared(), "cisi")], "BEIR folders");
        var quick = new Option<bool>("--quick") { Description = "Shrink each section for a smoke run" };
        var noPeer = new Option<bool>("--no-peer") { Description = "Skip the peer server comparison" };
        return Verb("all", "Every section above, then the report.", report: true, [datasets, quick, noPeer],
            (paths, r, ct) => AllAsync(paths, r.GetValue(datasets)!.Select(BeirDataset.Open).ToList(), r.GetValue(quick), !r.GetValue(noPeer), ct));
    }

    private static void Report(BenchPaths paths)
    {
        var store = new ResultStore(paths);
        var data = new ReportData(
            store.Read<MachineInfo>("machine"),
            store.ReadAll<QualityRun>("quality"),
            store.Read<LoadResults>("load"),
            store.Read<List<ScalePoint>>("scale"),
            store.Read<List<IngestResult>>("ingest")) { VectorRecall = store.Read<string>("vector-recall") };
        var writer = new ReportWriter(paths);
        writer.Charts(data);
        writer.Write(data);
        Console.Error.WriteLine($"report: {Path.GetRelativePath(paths.Root, paths.Report)} and charts in {Path.GetRelativePath(paths.Root, paths.Charts)}");
    }

    private static async Task WriteInterferenceAsync(BenchPaths paths, int writers, int seconds, CancellationToken cancellationToken)
    {
        using var model = new MiniLmEmbeddingGenerator();
        var result = await new WriteInterferenceBenchmark(paths, model).RunAsync(writers, TimeSpan.FromSeconds(seconds), cancellationToken);
        new ResultStore(paths).Save("write-interference", result);
    }

    private static async Task TenantStatisticsAsync(BenchPaths paths, int chunks, int tenants, int queries, CancellationToken cancellationToken)
    {
        using var model = new MiniLmEmbeddingGenerator();
        var result = await new TenantStatisticsBenchmark(paths, model).RunAsync(chunks, tenants, queries, cancellationToken);
        new ResultStore(paths).Save($"tenant-stats-{chunks}-{tenants}", result);
    }

    private static async Task ScalePointAsync(BenchPaths paths, int chunks, int tenants, int queries, CancellationToken cancellationToken)
    {
        using var model = new MiniLmEmbeddingGenerator();
        await new ScaleBenchmark(paths, model, queries).MeasurePointAsync(chunks, tenants, cancellationToken);
    }

    private static async Task IngestAsync(BenchPaths paths, BeirDataset? dataset, int count, CancellationToken cancellationToken)
    {
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
    private static async Task AllAsync(BenchPaths paths, List<BeirDataset> datasets, bool quick, bool peer, CancellationToken cancellationToken)
    {
        var store = new ResultStore(paths);
        store.Save("machine", MachineInfo.Capture(paths.Root));
        SearchMode[] modes = [SearchMode.Keyword, SearchMode.Semantic, SearchMode.Hybrid];
        foreach (var dataset in datasets)
        {
            var evaluator = new QualityEvaluator(paths);
            store.Append("quality", await evaluator.RunAsync(dataset, LocalSettings.Product, modes, viaMcp: false, cancellationToken));
        }

        store.Append("quality", await new QualityEvaluator(paths).RunAsync(datasets[0], LocalSettings.Product, modes, viaMcp: true, cancellationToken));

        var generator = new LoadGenerator(TimeSpan.FromSeconds(quick ? 1 : 3), quick ? 1 : 3, warmupCalls: 20);
        store.Save("load", await new LoadBenchmark(paths, generator, quick ? [1, 4] : [1, 4, 16, 64], quick ? 50 : 300, peer).RunAsync(cancellationToken));

        await VectorRecallAsync(paths, datasets[0], [10, 100], cancellationToken);
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

    private static async Task EvalAsync(BenchPaths paths, BeirDataset dataset, SearchMode[] modes, LocalSettings settings, bool viaMcp, CancellationToken cancellationToken)
    {
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
}

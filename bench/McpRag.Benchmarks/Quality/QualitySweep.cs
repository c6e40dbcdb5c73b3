using System.Globalization;
using McpRag.Benchmarks.Beir;
using McpRag.Benchmarks.Hosting;
using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Quality;

/// <summary>
/// Runs every setting of a sweep (<see cref="SweepSets"/>) on every collection through <see cref="QualityEvaluator"/>
/// (so indexes are built once per collection and index settings, then cached), prints one markdown row per setting as
/// it is measured, records the points (<c>sweep-&lt;set&gt;</c>) and draws nDCG@10 against each parameter.
/// </summary>
internal sealed class QualitySweep(BenchPaths paths)
{
    public async Task<IReadOnlyList<SweepPoint>> RunAsync(string set, IReadOnlyList<BeirDataset> datasets, LocalSettings defaults, CancellationToken cancellationToken)
    {
        var variants = SweepSets.Named(set, defaults);
        var evaluator = new QualityEvaluator(paths);
        var points = new List<SweepPoint>();
        Console.WriteLine($"sweep '{set}' around: {defaults.Describe()}");
        Console.WriteLine("| parameter | value | mode | " + string.Join(" | ", datasets.Select(d => $"{d.Name} nDCG@10 / R@100 / median ms")) + " |");
        Console.WriteLine("|---|---:|---|" + string.Concat(datasets.Select(_ => "---:|")));
        foreach (var variant in variants)
        {
            var cells = new List<string>();
            foreach (var dataset in datasets)
            {
                var run = await evaluator.RunAsync(dataset, variant.Settings, [variant.Mode], viaMcp: false, cancellationToken);
                var mode = run.Modes[0];
                var point = new SweepPoint(set, variant.Parameter, variant.Value, dataset.Name, mode.Mode, mode.Ndcg10, mode.Recall100, mode.LatencyMs.Median, mode.LatencyMs.P99, variant.Settings.Describe());
                points.Add(point);
                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{mode.Ndcg10:0.000} / {mode.Recall100:0.000} / {mode.LatencyMs.Median:0.0}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {variant.Parameter} | {variant.Value:0.##} | {variant.Mode.ToString().ToLowerInvariant()} | {string.Join(" | ", cells)} |"));
        }

        new ResultStore(paths).Save("sweep-" + set, points);
        Charts.Sensitivity(Path.Combine(paths.Charts, $"sensitivity-{set}.svg"), $"nDCG@10 across settings ({set})", points);
        return points;
    }
}

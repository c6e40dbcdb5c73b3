using McpRag.Benchmarks.Load;
using McpRag.Benchmarks.Quality;
using McpRag.Benchmarks.Scale;
using ScottPlot;

namespace McpRag.Benchmarks.Reporting;

/// <summary>The report's SVG charts: people read a chart faster than a table.</summary>
internal static class Charts
{
    private const int Width = 760;
    private const int Height = 420;

    /// <summary>Calls per second against the number of concurrent clients, one line per target.</summary>
    public static void Throughput(string file, IReadOnlyList<ConcurrencyResult> results)
    {
        var plot = new Plot();
        foreach (var series in results.GroupBy(r => r.Target))
        {
            var points = series.OrderBy(r => r.Clients).ToList();
            var line = plot.Add.Scatter(points.Select(p => Math.Log2(p.Clients)).ToArray(), points.Select(p => p.CallsPerSecond.Median).ToArray());
            line.LegendText = series.Key;
        }

        var levels = results.Select(r => r.Clients).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(levels.Select(l => Math.Log2(l)).ToArray(), levels.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Bottom.Label.Text = "concurrent clients";
        plot.Axes.Left.Label.Text = "calls/s (median of runs)";
        plot.Title("Tool calls per second over streamable HTTP");
        plot.Axes.SetLimitsY(0, results.Max(r => r.CallsPerSecond.Median) * 1.1);
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, file);
    }

    /// <summary>Median search latency against index size (log scale), one line per mode.</summary>
    public static void LatencyBySize(string file, IReadOnlyList<ScalePoint> points)
    {
        var plot = new Plot();
        var single = points.Where(p => p.Tenants == 1).OrderBy(p => p.Chunks).ToList();
        foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
        {
            var line = plot.Add.Scatter(single.Select(p => Math.Log10(p.Chunks)).ToArray(), single.Select(p => p.LatencyMs[mode].Median).ToArray());
            line.LegendText = mode;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(single.Select(p => Math.Log10(p.Chunks)).ToArray(), single.Select(p => p.Chunks.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Bottom.Label.Text = "chunks in the tenant's index";
        plot.Axes.Left.Label.Text = "search latency, median ms";
        plot.Title("Search latency by index size (one tenant)");
        plot.Axes.SetLimitsY(0, single.Max(p => p.LatencyMs.Values.Max(s => s.Median)) * 1.15);
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, file);
    }

    /// <summary>nDCG@10 per mode, grouped by collection.</summary>
    public static void Quality(string file, IReadOnlyList<QualityRun> runs)
    {
        var plot = new Plot();
        var modes = new[] { "keyword", "semantic", "hybrid" };
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var ticks = new List<(double, string)>();
        for (var r = 0; r < runs.Count; r++)
        {
            for (var m = 0; m < modes.Length; m++)
            {
                var value = runs[r].Modes.FirstOrDefault(x => x.Mode == modes[m])?.Ndcg10 ?? 0;
                bars.Add(new Bar { Position = r * 4 + m, Value = value, FillColor = palette.GetColor(m), Label = value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) });
            }

            ticks.Add((r * 4 + 1, runs[r].Dataset));
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(t => t.Item1).ToArray(), ticks.Select(t => t.Item2).ToArray());
        for (var m = 0; m < modes.Length; m++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = modes[m], FillColor = palette.GetColor(m) });
        }

        plot.Axes.Left.Label.Text = "nDCG@10";
        plot.Title("Retrieval quality by mode (the product's defaults)");
        plot.Axes.SetLimitsY(0, Math.Max(0.6, bars.Max(b => b.Value) * 1.15));
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, file);
    }

    /// <summary>nDCG@10 against each swept parameter, one line per parameter and collection: a default belongs on a plateau.</summary>
    public static void Sensitivity(string file, string title, IReadOnlyList<SweepPoint> points)
    {
        var plot = new Plot();
        foreach (var series in points.GroupBy(p => (p.Parameter, p.Dataset)))
        {
            var ordered = series.OrderBy(p => p.Value).ToList();
            var line = plot.Add.Scatter(ordered.Select(p => p.Value).ToArray(), ordered.Select(p => p.Ndcg10).ToArray());
            line.LegendText = $"{series.Key.Dataset}: {series.Key.Parameter}";
        }

        plot.Axes.Bottom.Label.Text = "setting (weight, boost or k; see the legend)";
        plot.Axes.Left.Label.Text = "nDCG@10";
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        Save(plot, file);
    }

    private static void Save(Plot plot, string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        plot.SaveSvg(file, Width, Height);
    }
}

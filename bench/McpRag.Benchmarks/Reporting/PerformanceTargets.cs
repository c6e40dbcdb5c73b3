using System.Globalization;
using System.Text;
using McpRag.Benchmarks.Load;

namespace McpRag.Benchmarks.Reporting;

/// <summary>
/// The performance section of the report: every load ratio from the one <c>load</c> run (calls/s ÷ <c>tools/list</c>,
/// ÷ the no-op tool, ÷ the TypeScript reference server's <c>echo</c>, ÷ the model's batched encode ceiling), server
/// CPU per call, and each performance target with the measured figure, met or missed and by how much. CPU per call
/// and ratios within one run are the robust figures on a shared machine; calls/s are upper bounds of the cost.
/// </summary>
internal static class PerformanceTargets
{
    private const int Level = 16;

    /// <summary>Calls/s ratios and server CPU per call from the <c>load</c> run, and the model's batched encode ceiling.</summary>
    public static void WriteRatios(StringBuilder md, ReportData data)
    {
        if (data.Load is not { } load)
        {
            return;
        }

        md.AppendLine("### Ratios and server CPU per call, one run");
        md.AppendLine();
        md.AppendLine(F($"The server runs in a process of its own (`mcprag-bench load-server`), so its CPU time (user + system from `/proc/<pid>/stat`) over each measured phase, divided by the calls in it, is the server's cost alone; the client's work is in the other process. The peer's CPU is its node process's. Load average during the run: {load.LoadAverage ?? "not recorded"}. Every call sends a query text no other call sent. Server RSS after the HTTP phases: {load.ServerRssMb:0} MB."));
        md.AppendLine();
        var levels = load.Concurrency.Select(c => c.Clients).Distinct().Order().ToList();
        md.AppendLine("| target | " + string.Join(" | ", levels.Select(l => $"{l} clients: server CPU ms/call")) + F($" | {Level} clients: ÷ tools/list | ÷ noop | ÷ peer echo |"));
        md.AppendLine("|---|" + string.Concat(levels.Select(_ => "---:|")) + "---:|---:|---:|");
        foreach (var target in load.Concurrency.GroupBy(c => c.Target))
        {
            var at = target.FirstOrDefault(c => c.Clients == Level);
            md.AppendLine($"| {target.Key} | " + string.Join(" | ", levels.Select(l => target.FirstOrDefault(c => c.Clients == l)?.ServerCpuMsPerCall is { } cpu ? F($"{cpu:0.00}") : "–"))
                + $" | {Ratio(at, At(load, "tools/list"))} | {Ratio(at, At(load, "noop"))} | {Ratio(at, At(load, "peer echo"))} |");
        }

        md.AppendLine();
        if (load.Ceiling is { } measured)
        {
            var ceiling = measured;
            md.AppendLine(F($"**The model's batched encode ceiling** (same run, servers stopped): the {ceiling.Queries:N0} query texts the hybrid searches at {Level} clients sent, encoded by MiniLM alone in batches of {ceiling.BatchSize} by {ceiling.Callers} callers (the server's query-batch concurrency): {ceiling.QueriesPerSecond:N0} queries/s, {ceiling.CpuMsPerQuery:0.00} CPU ms per query, {ceiling.BatchMs.Median:0.0} / {ceiling.BatchMs.P99:0.0} ms per batch (p50 / p99)."));
            if (ceiling.SingleQueryMs is { } alone)
            {
                md.AppendLine(F($" One query embedded alone: {alone.Median:0.00} / {alone.P99:0.00} ms (p50 / p99)."));
            }

            md.AppendLine();
        }

    }

    /// <summary>Each performance target with the measured figure, met or missed and by how much (the report's headline).</summary>
    public static void WriteTargets(StringBuilder md, ReportData data)
    {
        if (data.Load is not { } load)
        {
            return;
        }

        md.AppendLine("| performance target | measured | |");
        md.AppendLine("|---|---|---|");
        RateTarget(md, load, "fetch", "tools/list", 0.7);
        RateTarget(md, load, "search keyword", "tools/list", 0.5);
        RateTarget(md, load, "search keyword", "peer echo", 1.0);
        RateTarget(md, load, "search hybrid", "tools/list", 0.25);
        foreach (var mode in new[] { "hybrid", "semantic" })
        {
            if (load.Ceiling is not { } ceiling)
            {
                break;
            }


            if (At(load, "search " + mode)?.ServerCpuMsPerCall is { } cpu && At(load, "search keyword")?.ServerCpuMsPerCall is { } keyword)
            {
                var bound = keyword + (1.5 * ceiling.CpuMsPerQuery);
                Row(md, F($"{mode} server CPU/call ≤ keyword CPU/call + 1.5 × batched encode CPU/query ({keyword:0.00} + 1.5 × {ceiling.CpuMsPerQuery:0.00} = {bound:0.00} ms)"), F($"{cpu:0.00} ms"), cpu <= bound, F($"{cpu / bound:0.00}× the bound"));
            }

            if (At(load, "search " + mode) is { } rate)
            {
                var share = rate.CallsPerSecond.Median / ceiling.QueriesPerSecond;
                Row(md, F($"{mode} calls/s at {Level} clients ≥ 70 % of the batched encode ceiling ({ceiling.QueriesPerSecond:N0}/s)"), F($"{rate.CallsPerSecond.Median:N0} calls/s = {share:P0}"), share >= 0.7, F($"{share / 0.7:0.00}× the target"));
            }
        }

        if (load.HttpSequentialMs.GetValueOrDefault("search hybrid") is { } hybrid && load.Ceiling?.SingleQueryMs is { } embedding)
        {
            var ratio = hybrid.Median / embedding.Median;
            Row(md, "hybrid p50 at 1 client (HTTP) ≤ 1.5× the query embedding alone", F($"{hybrid.Median:0.00} ms ÷ {embedding.Median:0.00} ms = {ratio:0.00}×"), ratio <= 1.5, F($"{ratio / 1.5:0.00}× the target"));
        }

        if (data.Scale?.FirstOrDefault(p => p.Tenants == 1 && p.Chunks == 100_000) is { } point)
        {
            var p50 = point.LatencyMs["hybrid"].Median;
            Row(md, "hybrid p50 ≤ 15 ms at 100k chunks (in-process, section 3)", F($"{p50:0.0} ms (p99 {point.LatencyMs["hybrid"].P99:0.0})"), p50 <= 15, F($"{p50 / 15:0.00}× the target"));
            Row(md, "RSS ≤ 600 MB at 100k chunks with the model loaded (section 3)", F($"{point.RssMb:0} MB") + (point.RssFileMb is { } file ? F($" ({point.RssMb - file:0} MB heap and native, {file:0} MB mapped index files)") : ""), point.RssMb <= 600, F($"{point.RssMb / 600:0.00}× the target"));
        }

        foreach (var r in data.Ingest ?? [])
        {
            Row(md, $"ingest ≥ 90 % of the model's encode rate ({r.Corpus})", F($"{r.ShareOfCeiling:P0}"), r.ShareOfCeiling >= 0.9, F($"{r.ShareOfCeiling / 0.9:0.00}× the target"));
        }

        md.AppendLine();
    }

    private static void RateTarget(StringBuilder md, LoadResults load, string target, string baseline, double factor)
    {
        if (At(load, target) is { } ours && At(load, baseline) is { } other)
        {
            var ratio = ours.CallsPerSecond.Median / other.CallsPerSecond.Median;
            Row(md, F($"{target} ≥ {factor:0.##}× {baseline} (calls/s at {Level} clients)"), F($"{ratio:0.00}× ({ours.CallsPerSecond.Median:N0} / {other.CallsPerSecond.Median:N0})"), ratio >= factor, F($"{ratio / factor:0.00}× the target"));
        }
    }

    private static ConcurrencyResult? At(LoadResults load, string target) =>
        load.Concurrency.FirstOrDefault(c => c.Target == target && c.Clients == Level);

    private static string Ratio(ConcurrencyResult? ours, ConcurrencyResult? other) =>
        ours is null || other is null ? "–" : F($"{ours.CallsPerSecond.Median / other.CallsPerSecond.Median:0.00}×");

    private static void Row(StringBuilder md, string target, string measured, bool met, string margin) =>
        md.AppendLine($"| {target} | {measured} | {(met ? "met" : "missed")}, {margin} |");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

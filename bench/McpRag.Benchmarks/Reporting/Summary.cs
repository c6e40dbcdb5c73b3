namespace McpRag.Benchmarks.Reporting;

/// <summary>Median and 99th percentile of repeated measurements (nearest-rank), the two figures every table shows.</summary>
internal sealed record Summary(double Median, double P99, int Count)
{
    public static Summary Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return new Summary(double.NaN, double.NaN, 0);
        }

        var sorted = values.Order().ToArray();
        return new Summary(Percentile(sorted, 50), Percentile(sorted, 99), sorted.Length);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double percent)
    {
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

using McpRag.Benchmarks.Reporting;

namespace McpRag.Benchmarks.Tests;

public sealed class SummaryTests
{
    [Fact]
    public void Of_HundredValues_GivesNearestRankMedianAndP99()
    {
        var summary = Summary.Of(Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToList());

        Assert.Equal(50, summary.Median);
        Assert.Equal(99, summary.P99);
        Assert.Equal(100, summary.Count);
    }

    [Fact]
    public void Of_SingleValue_IsThatValue()
    {
        var summary = Summary.Of([4.5]);

        Assert.Equal(4.5, summary.Median);
        Assert.Equal(4.5, summary.P99);
    }
}

using McpRag.Benchmarks.Quality;

namespace McpRag.Benchmarks.Tests;

/// <summary>nDCG@k and Recall@k against values worked out by hand with trec_eval's definitions.</summary>
public sealed class RankingMetricsTests
{
    private static readonly Dictionary<string, int> Graded = new() { ["a"] = 3, ["b"] = 2, ["c"] = 1, ["z"] = 0 };

    [Fact]
    public void NdcgAt_IdealOrder_IsOne()
    {
        Assert.Equal(1.0, RankingMetrics.NdcgAt(10, ["a", "b", "c"], Graded), 12);
    }

    [Fact]
    public void NdcgAt_GradedGainsWithLog2Discount_MatchesHandComputedValue()
    {
        // DCG = 2/log2(2) + 0/log2(3) + 3/log2(4) + 1/log2(5) = 2 + 1.5 + 0.430677 = 3.930677
        // IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860
        var expected = (2 + 3 / 2.0 + 1 / Math.Log2(5)) / (3 + 2 / Math.Log2(3) + 0.5);
        Assert.Equal(expected, RankingMetrics.NdcgAt(10, ["b", "x", "a", "c"], Graded), 12);
        Assert.Equal(0.825450, RankingMetrics.NdcgAt(10, ["b", "x", "a", "c"], Graded), 5);
    }

    [Fact]
    public void NdcgAt_RelevantDocumentBelowCutoff_IsNotCounted()
    {
        // Cut at 2: DCG = 0 + 1/log2(3); IDCG over the two best grades = 3 + 2/log2(3).
        var expected = (1 / Math.Log2(3)) / (3 + 2 / Math.Log2(3));
        Assert.Equal(expected, RankingMetrics.NdcgAt(2, ["x", "c", "a"], Graded), 12);
    }

    [Fact]
    public void NdcgAt_ZeroGradeAndUnjudgedResults_GainNothing()
    {
        Assert.Equal(0.0, RankingMetrics.NdcgAt(10, ["z", "unjudged"], Graded));
    }

    [Fact]
    public void NdcgAt_NoRelevantJudgments_IsZero()
    {
        Assert.Equal(0.0, RankingMetrics.NdcgAt(10, ["a"], new Dictionary<string, int> { ["a"] = 0 }));
    }

    [Fact]
    public void RecallAt_CountsRelevantFoundWithinCutoff_OverAllRelevant()
    {
        // Relevant: a, b, c (z has grade 0). Within the first 3: b and c.
        Assert.Equal(2 / 3.0, RankingMetrics.RecallAt(3, ["b", "z", "c", "a"], Graded), 12);
        Assert.Equal(1.0, RankingMetrics.RecallAt(4, ["b", "z", "c", "a"], Graded), 12);
    }

    [Fact]
    public void RecallAt_DuplicateIds_CountOnce()
    {
        Assert.Equal(1 / 3.0, RankingMetrics.RecallAt(10, ["a", "a", "a"], Graded), 12);
    }
}

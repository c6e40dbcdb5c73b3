using McpRag.Retrieval.Ranking;

namespace McpRag.Retrieval.Tests;

public sealed class LinearFusionTests
{
    [Fact]
    public void Fuse_MinMaxNormalizedScores_AreMixedByWeight()
    {
        // keyword: a=10 → 1, b=5 → 0.5, c=0 → 0; semantic: c=0.9 → 1, a=0.5 → 0.
        var fused = LinearFusion.Fuse(0.25, [("a", 10.0), ("b", 5.0), ("c", 0.0)], [("c", 0.9), ("a", 0.5)]);

        Assert.Equal(["a", "b", "c"], fused.Select(f => f.Item));
        Assert.Equal(0.75, fused[0].Score, 12);
        Assert.Equal(0.375, fused[1].Score, 12);
        Assert.Equal(0.25, fused[2].Score, 12);
    }

    [Fact]
    public void Fuse_SemanticWeightOne_FollowsSemanticOrder()
    {
        var fused = LinearFusion.Fuse(1.0, [("a", 3.0), ("b", 2.0)], [("b", 0.8), ("a", 0.2)]);

        Assert.Equal(["b", "a"], fused.Select(f => f.Item));
    }

    [Fact]
    public void Fuse_ListOfOne_ScoresItsItemAsTop()
    {
        var fused = LinearFusion.Fuse(0.5, [("a", 7.0)], []);

        Assert.Equal(("a", 0.5), Assert.Single(fused));
    }
}

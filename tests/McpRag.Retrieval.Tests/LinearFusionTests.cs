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

public sealed class ZScoreFusionTests
{
    [Fact]
    public void Fuse_KeywordOnly_ScoresAreStandardised()
    {
        // mean 2, population standard deviation sqrt(2/3): z-scores ±1.224745 and 0, whatever the raw scale.
        var fused = Ranking.ZScoreFusion.Fuse(0.0, [("a", 3.0), ("b", 2.0), ("c", 1.0)], [("c", 0.9)]);

        Assert.Equal(["a", "b", "c"], fused.Select(f => f.Item));
        Assert.Equal([1.224745, 0.0, -1.224745], fused.Select(f => Math.Round(f.Score, 6)));
    }

    [Fact]
    public void Fuse_ItemMissingFromList_GetsThatListsLowestScore()
    {
        // keyword z: a 1, b -1; semantic z: c 1, a -1. b misses semantic (floor -1), c misses keyword (floor -1).
        var fused = Ranking.ZScoreFusion.Fuse(0.5, [("a", 2.0), ("b", 1.0)], [("c", 1.0), ("a", 0.0)]);

        Assert.Equal(-1.0, fused.Single(f => f.Item == "b").Score, 12);
        Assert.Equal(0.0, fused.Single(f => f.Item == "c").Score, 12);
        Assert.Equal(0.0, fused.Single(f => f.Item == "a").Score, 12);
    }
}

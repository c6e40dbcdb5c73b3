using McpRag.Benchmarks.Beir;
using McpRag.Benchmarks.Hosting;
using McpRag.Benchmarks.Quality;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks.Tests;

/// <summary>
/// The evaluator end to end on a small BEIR folder it has never seen: real ingest, real search, scores, and the
/// index cache on the second run.
/// </summary>
public sealed class QualityEvaluatorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mcprag-bench-tests", Guid.NewGuid().ToString("n"));

    [Fact]
    public async Task RunAsync_SmallCollection_ScoresRankingsAndReusesTheIndex()
    {
        var folder = Path.Combine(_root, "mini");
        Directory.CreateDirectory(Path.Combine(folder, "qrels"));
        await File.WriteAllLinesAsync(Path.Combine(folder, "corpus.jsonl"),
        [
            """{"_id": "1", "title": "Propeller slipstream", "text": "The lift increase of a wing in a propeller slipstream was measured in a wind tunnel."}""",
            """{"_id": "2", "title": "Boundary layer", "text": "Laminar boundary layer transition on a flat plate at supersonic speed."}""",
            """{"_id": "3", "title": "Heat conduction", "text": "Heat conduction in composite slabs under transient heating."}""",
            """{"_id": "4", "title": "Panel flutter", "text": "Flutter of thin panels exposed to supersonic flow on one side."}""",
        ], TestContext.Current.CancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(folder, "queries.jsonl"),
        [
            """{"_id": "q1", "text": "composite slabs heat conduction"}""",
            """{"_id": "q2", "text": "panel flutter supersonic"}""",
            """{"_id": "q3", "text": "query without judgments"}""",
        ], TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\t3\t2\nq2\t4\t1\n", TestContext.Current.CancellationToken);
        var evaluator = new QualityEvaluator(new BenchPaths(_root));

        var first = await evaluator.RunAsync(BeirDataset.Open(folder), LocalSettings.Product, [SearchMode.Keyword], viaMcp: false, TestContext.Current.CancellationToken);
        var second = await evaluator.RunAsync(BeirDataset.Open(folder), LocalSettings.Product, [SearchMode.Keyword], viaMcp: false, TestContext.Current.CancellationToken);

        var keyword = Assert.Single(first.Modes);
        Assert.Equal(2, keyword.Queries);
        Assert.Equal(1.0, keyword.Ndcg10, 12);
        Assert.Equal(1.0, keyword.Recall100, 12);
        Assert.Equal(4, first.Ingest.Documents);
        Assert.False(first.Ingest.FromCache);
        Assert.True(second.Ingest.FromCache);
        Assert.Equal(keyword.RankingsDigest, Assert.Single(second.Modes).RankingsDigest);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

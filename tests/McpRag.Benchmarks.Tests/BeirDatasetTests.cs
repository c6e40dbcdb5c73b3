using McpRag.Benchmarks.Beir;

namespace McpRag.Benchmarks.Tests;

/// <summary>Reading BEIR folders: the three files, streaming, numeric ids, headers and clear errors.</summary>
public sealed class BeirDatasetTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mcprag-bench-tests", Guid.NewGuid().ToString("n"));

    public BeirDatasetTests() => Directory.CreateDirectory(Path.Combine(_folder, "qrels"));

    [Fact]
    public void ReadCorpus_JsonLines_YieldsDocumentsInOrderWithTitleAndText()
    {
        Write(corpus: """
            {"_id": "d1", "title": "Wing flutter", "text": "flutter of a swept wing", "metadata": {}}

            {"_id": 2, "text": "no title here"}
            """);

        var documents = BeirDataset.Open(_folder).ReadCorpus().ToList();

        Assert.Equal(["d1", "2"], documents.Select(d => d.Id));
        Assert.Equal("Wing flutter", documents[0].Title);
        Assert.Equal("flutter of a swept wing", documents[0].Text);
        Assert.Equal(string.Empty, documents[1].Title);
    }

    [Fact]
    public void ReadQrels_HeaderAndGradedScores_AreParsedPerQuery()
    {
        Write(qrels: "query-id\tcorpus-id\tscore\n1\td1\t2\n1\td2\t0\n2\td1\t1\n");

        var qrels = BeirDataset.Open(_folder).ReadQrels();

        Assert.Equal(3, qrels.Pairs);
        Assert.Equal(2, qrels.For("1")["d1"]);
        Assert.Equal(0, qrels.For("1")["d2"]);
        Assert.Empty(qrels.For("unknown"));
    }

    [Fact]
    public void ReadQueries_JsonLines_YieldsIdAndText()
    {
        Write(queries: """{"_id": "7", "text": "what is flutter"}""");

        var query = Assert.Single(BeirDataset.Open(_folder).ReadQueries());

        Assert.Equal(new BeirQuery("7", "what is flutter"), query);
    }

    [Fact]
    public void Open_MissingQrels_FailsNamingTheFile()
    {
        Write();
        File.Delete(Path.Combine(_folder, "qrels", "test.tsv"));

        var error = Assert.Throws<BeirFormatException>(() => BeirDataset.Open(_folder));

        Assert.Contains("test.tsv is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCorpus_BrokenLine_FailsWithFileAndLineNumber()
    {
        Write(corpus: "{\"_id\": \"a\", \"text\": \"ok\"}\n{not json\n");

        var error = Assert.Throws<BeirFormatException>(() => BeirDataset.Open(_folder).ReadCorpus().ToList());

        Assert.Equal("corpus.jsonl line 2: not valid JSON", error.Message);
    }

    [Fact]
    public void ReadQrels_MissingScore_FailsWithLineNumber()
    {
        Write(qrels: "1\td1\n");

        var error = Assert.Throws<BeirFormatException>(() => BeirDataset.Open(_folder).ReadQrels());

        Assert.StartsWith("test.tsv line 1:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorpusHash_ChangesWithContent()
    {
        Write(corpus: """{"_id": "a", "text": "one"}""");
        var first = BeirDataset.Open(_folder).CorpusHash();
        Write(corpus: """{"_id": "a", "text": "two"}""");

        Assert.NotEqual(first, BeirDataset.Open(_folder).CorpusHash());
    }

    private void Write(string corpus = "", string queries = "", string qrels = "query-id\tcorpus-id\tscore\n")
    {
        File.WriteAllText(Path.Combine(_folder, "corpus.jsonl"), corpus);
        File.WriteAllText(Path.Combine(_folder, "queries.jsonl"), queries);
        File.WriteAllText(Path.Combine(_folder, "qrels", "test.tsv"), qrels);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

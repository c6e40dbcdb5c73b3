using McpRag.Retrieval.Portability;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tests.Portability;

/// <summary>The portable export file: exact round trip, and a one-line refusal for every kind of broken file.</summary>
public sealed class TenantExportFileTests
{
    private readonly string _folder = TestData.NewFolder();

    private static readonly RetrievalDocument Document = new("doc-1", "Title with \"quotes\" and ünïcode", "Line one\nline two\t\u2028 end")
    {
        Url = "https://help.example.com/a?b=c",
        Attributes = new Dictionary<string, IReadOnlyList<string>> { ["tags"] = ["a", "b"], ["category"] = ["billing"] },
    };

    [Fact]
    public async Task WriteThenRead_DocumentsAndVectors_ExactlyTheSame()
    {
        var path = Path.Combine(_folder, "export.jsonl");
        float[] vector = [0.1f, -2.5e-8f, float.Epsilon, 1f / 3];
        var header = new TenantExportHeader("tenant-x", 2, "all-MiniLM-L6-v2", 4, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        await TenantExportFile.WriteAsync(path, header, [(Document, vector), (Document with { Id = "doc-2", Url = null }, null)], TestContext.Current.CancellationToken);
        var (read, documents) = await TenantExportFile.ReadAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(header, read);
        Assert.Equal(Document.ContentHash(), documents[0].Document.ContentHash());
        Assert.Equal(vector, documents[0].Vector);
        Assert.Null(documents[1].Vector);
        Assert.Null(documents[1].Document.Url);
        Assert.False(File.Exists(path + ".partial"));
    }

    [Theory]
    [InlineData("""{"format":"other"}""", "is not an mcprag export file")]
    [InlineData("""{"format":"mcprag-export","version":2,"tenant":"t","documents":0}""", "is export format version 2")]
    [InlineData("""{"format":"mcprag-export","version":1,"tenant":"t","documents":1}|{"id":"a","vector":"AAAA"}|{"end":true,"documents":1}""", "the vector is not a list of float32")]
    [InlineData("""{"format":"mcprag-export","version":1,"tenant":"t","documents":1,"dimensions":2}|{"id":"a","vector":"AAAAAA=="}|{"end":true,"documents":1}""", "the vector has 1 dimensions; the header says 2")]
    [InlineData("""{"format":"mcprag-export","version":1,"tenant":"t","documents":2}|{"id":"a"}|{"end":true,"documents":2}""", "holds 1 documents but says 2")]
    [InlineData("""{"format":"mcprag-export","version":1,"tenant":"t","documents":1}|{"id":"a","attributes":{"x":[1]}}|{"end":true,"documents":1}""", "attribute 'x' holds a non-text value")]
    [InlineData("""{"format":"mcprag-export","version":1,"tenant":"t","documents":1}|not json""", "line 2 is not valid JSON")]
    [InlineData("""{"format":"mcprag-export","version":1,"tenant":"t","documents":1}|{"id":"a"}""", "is incomplete")]
    public async Task Read_BrokenFile_OneLineReason(string lines, string reason)
    {
        var path = Path.Combine(_folder, "broken.jsonl");
        await File.WriteAllTextAsync(path, string.Join('\n', lines.Split('|')) + "\n", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<FormatException>(() => TenantExportFile.ReadAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}

using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tests;

public sealed class DocumentLoaderTests : IDisposable
{
    private readonly string _root = TestData.NewFolder();

    [Fact]
    public void Load_MarkdownWithFrontMatter_TakesTitleUrlAndAttributes()
    {
        var file = Write("kb/refund-policy.md", "---\ntitle: Refund policy\ncategory: policy\nurl: https://kb.example/refund\ntenant_id: tenant-z\n---\n\n# Heading\n\nReturns within 45 days.\n");

        var document = Assert.Single(DocumentLoader.Load(file, _root));

        Assert.Equal("kb/refund-policy", document.Id);
        Assert.Equal("Refund policy", document.Title);
        Assert.Equal("https://kb.example/refund", document.Url);
        Assert.Equal(["policy"], document.Attributes["category"]);
        Assert.False(document.Attributes.ContainsKey("tenant_id"));
        Assert.Equal("# Heading\n\nReturns within 45 days.", document.Text);
    }

    [Fact]
    public void Load_FrontMatterWithLists_LoadsEachListAsAMultiValuedAttribute()
    {
        var file = Write("kb/vpn.md", "---\ntitle: \"VPN: setup\"\ntags: [network, remote-work]\nregions:\n  - eu\n  - us\nowner: it\nempty: []\nnested:\n  team: infra\n---\nConnect with the client.\n");

        var document = Assert.Single(DocumentLoader.Load(file, _root));

        Assert.Equal("VPN: setup", document.Title);
        Assert.Equal(["network", "remote-work"], document.Attributes["tags"]);
        Assert.Equal(["eu", "us"], document.Attributes["regions"]);
        Assert.Equal(["it"], document.Attributes["owner"]);
        Assert.False(document.Attributes.ContainsKey("empty"));
        Assert.False(document.Attributes.ContainsKey("nested"));
        Assert.Equal("Connect with the client.", document.Text);
    }

    [Fact]
    public void Load_FrontMatterNotYaml_ThrowsInvalidArgumentNamingFileAndLine()
    {
        var file = Write("kb/broken.md", "---\ntitle: ok\ntags: [unclosed\n---\nText.\n");

        var error = Assert.Throws<RetrievalException>(() => DocumentLoader.Load(file, _root));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.StartsWith(Path.Combine("kb", "broken.md") + ": front matter is not valid YAML (line ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_TextWithoutFrontMatter_UsesFirstHeadingAsTitle()
    {
        var file = Write("notes.txt", "# Opening hours\nMonday to Friday.");

        var document = Assert.Single(DocumentLoader.Load(file, _root));

        Assert.Equal("Opening hours", document.Title);
        Assert.Empty(document.Attributes);
    }

    [Fact]
    public void Load_JsonArray_ReadsEachItemWithItsOwnIdOrAPositionalOne()
    {
        var file = Write("faq.json", """[{"id": "a", "title": "A", "text": "alpha", "attributes": {"tags": ["x", "y"]}}, {"text": "beta"}]""");

        var documents = DocumentLoader.Load(file, _root);

        Assert.Equal(["a", "faq/1"], documents.Select(d => d.Id));
        Assert.Equal(["x", "y"], documents[0].Attributes["tags"]);
        Assert.Equal("faq/1", documents[1].Title);
    }

    [Theory]
    [InlineData("bad.json", "{not json", "not valid JSON")]
    [InlineData("bad.json", """{"title": "no text"}""", "has no \"text\"")]
    [InlineData("bad.json", """{"text": 5}""", "\"text\" must be a string")]
    public void Load_InvalidJson_ThrowsInvalidArgumentNamingTheFile(string name, string content, string reason)
    {
        var file = Write(name, content);

        var error = Assert.Throws<RetrievalException>(() => DocumentLoader.Load(file, _root));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enumerate_FolderWithMixedFiles_ReturnsSupportedFilesInStableOrder()
    {
        Write("b.md", "b");
        Write("a/c.txt", "c");
        Write("image.png", "x");

        var files = DocumentLoader.Enumerate([_root]);

        Assert.Equal(["a/c.txt", "b.md"], files.Select(f => Path.GetRelativePath(_root, f.File).Replace('\\', '/')));
    }

    [Fact]
    public void Enumerate_MissingPathOrUnsupportedFile_ThrowsInvalidArgument()
    {
        Assert.Equal(RetrievalErrorCode.InvalidArgument, Assert.Throws<RetrievalException>(() => DocumentLoader.Enumerate([Path.Combine(_root, "missing")])).Code);
        Assert.Equal(RetrievalErrorCode.InvalidArgument, Assert.Throws<RetrievalException>(() => DocumentLoader.Enumerate([Write("x.pdf", "x")])).Code);
    }

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

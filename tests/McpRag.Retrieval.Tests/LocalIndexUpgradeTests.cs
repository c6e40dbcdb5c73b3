using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Store;
using Lucene.Net.Util;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;
using LuceneDocument = Lucene.Net.Documents.Document;

namespace McpRag.Retrieval.Tests;

/// <summary>An index written in layout 1 (passages only, no layout record) opens, is rewritten in place and searches; an interrupted rewrite leaves layout 1 intact.</summary>
public sealed class LocalIndexUpgradeTests : IDisposable
{
    private const string Tenant = "t-upgrade";
    private readonly string _dataDir = TestData.NewFolder();

    private string IndexPath => Path.Combine(_dataDir, "indexes", Tenant);

    [Fact]
    public async Task SearchAsync_Layout1Index_UpgradedInPlaceAndFound()
    {
        WriteLayout1();
        using (var backend = Backend())
        {
            var page = await backend.SearchAsync(Route(), TenantPrincipal.Operator(Tenant), new SearchQuery("baggage", 5, SearchMode.Keyword, RetrievalDocument.EmptyAttributes), TestContext.Current.CancellationToken);
            Assert.Equal("manual", page.Hits[0].Id);
            var document = await backend.GetAsync(Route(), TenantPrincipal.Operator(Tenant), "manual", TestContext.Current.CancellationToken);
            Assert.Equal("Checked baggage allowance and baggage fees.", document!.Text);
        }

        using var directory = FSDirectory.Open(new DirectoryInfo(IndexPath));
        Assert.Equal(LocalIndexFormat.Current, LocalIndexFormat.Of(LocalIndexFormat.LastCommitData(directory)));
        using var reader = DirectoryReader.Open(directory);
        var fields = MultiFields.GetMergedFieldInfos(reader);
        Assert.Equal(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS, fields.FieldInfo(IndexFields.Text).IndexOptions);
        Assert.NotNull(fields.FieldInfo(IndexFields.Body));
        Assert.Equal(2, reader.NumDocs);
    }

    [Fact]
    public async Task Run_FailsMidway_LeavesLayout1Commit()
    {
        WriteLayout1();
        using (var directory = FSDirectory.Open(new DirectoryInfo(IndexPath)))
        {
            var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, LocalIndex.Analyzer) { OpenMode = OpenMode.APPEND };
            Assert.Throws<IOException>(() => LocalIndexUpgrade.Run(directory, config, w => w.Commit(), n => throw new IOException("disk full")));
            Assert.Equal(1, LocalIndexFormat.Of(LocalIndexFormat.LastCommitData(directory)));
            using var reader = DirectoryReader.Open(directory);
            Assert.Equal(2, reader.NumDocs);
            Assert.Null(MultiFields.GetMergedFieldInfos(reader).FieldInfo(IndexFields.Body));
        }

        using var backend = Backend();
        var page = await backend.SearchAsync(Route(), TenantPrincipal.Operator(Tenant), new SearchQuery("refund", 5, SearchMode.Keyword, RetrievalDocument.EmptyAttributes), TestContext.Current.CancellationToken);
        Assert.Equal("refund", page.Hits[0].Id);
    }

    [Fact]
    public async Task SearchAsync_NewerLayout_RefusedInOneLine()
    {
        WriteLayout1(format: "99");
        using var backend = Backend();
        var error = await Assert.ThrowsAsync<RetrievalException>(() => backend.SearchAsync(Route(), TenantPrincipal.Operator(Tenant), new SearchQuery("refund", 5, SearchMode.Keyword, RetrievalDocument.EmptyAttributes), TestContext.Current.CancellationToken));
        Assert.Contains("layout 99", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>Two one-passage documents as layout 1 wrote them: no body field, no document vector, no layout record.</summary>
    private void WriteLayout1(string? format = null)
    {
        using var directory = FSDirectory.Open(new DirectoryInfo(IndexPath));
        using var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, LocalIndex.Analyzer));
        foreach (var (id, title, text) in new[] { ("manual", "Baggage manual", "Checked baggage allowance and baggage fees."), ("refund", "Refund policy", "A refund is paid within 14 days.") })
        {
            var vector = new float[384];
            vector[id.Length % 384] = 1;
            writer.AddDocument(new LuceneDocument
            {
                new StringField(IndexFields.TenantId, Tenant, Field.Store.YES),
                new StringField(IndexFields.DocId, id, Field.Store.YES),
                new StringField(IndexFields.DocKey, IndexFields.Key(Tenant, id), Field.Store.NO),
                new StoredField(IndexFields.ChunkNo, 0),
                new TextField(IndexFields.Title, title, Field.Store.YES),
                new TextField(IndexFields.Text, text, Field.Store.YES),
                new BinaryDocValuesField(IndexFields.Vector, SegmentVectorCache.Encode(vector)),
                new StringField(IndexFields.Head, "1", Field.Store.NO),
                new StoredField(IndexFields.DocText, text),
                new StoredField(IndexFields.ContentHash, "h-" + id),
            });
        }

        var data = new Dictionary<string, string> { [IndexFields.ModelCommitKey] = "all-MiniLM-L6-v2" };
        if (format is not null)
        {
            data[IndexFields.FormatCommitKey] = format;
        }

        writer.SetCommitData(data);
        writer.Commit();
    }

    private LocalIndexBackend Backend() =>
        new(Options.Create(new StorageOptions { DataDir = _dataDir }), Options.Create(new LocalBackendOptions()), TestData.Embeddings);

    private static TenantRoute Route() => new(Tenant, LocalIndexBackend.BackendName, TenantIsolation.Index);

    public void Dispose() => System.IO.Directory.Delete(_dataDir, recursive: true);
}

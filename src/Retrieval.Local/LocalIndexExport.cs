using System.Runtime.InteropServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Reads a tenant's whole documents back out of an embedded index, for moving them to another backend. A document
/// stored as a single chunk also yields its vector (embedded from the same title-and-text as a whole-document
/// embedding), so a move to a backend using the same model need not embed it again.
/// </summary>
public static class LocalIndexExport
{
    /// <summary>One exported document; <see cref="Vector"/> is <c>null</c> when it must be embedded again.</summary>
    public sealed record ExportedDocument(RetrievalDocument Document, float[]? Vector);

    public static IReadOnlyList<ExportedDocument> Read(string indexPath, string tenantId)
    {
        if (!System.IO.Directory.Exists(indexPath))
        {
            return [];
        }

        using var directory = FSDirectory.Open(new DirectoryInfo(indexPath));
        if (!DirectoryReader.IndexExists(directory))
        {
            return [];
        }

        using var reader = DirectoryReader.Open(directory);
        var searcher = new IndexSearcher(reader);
        var heads = new BooleanQuery
        {
            { new TermQuery(new Term(IndexFields.TenantId, tenantId)), Occur.MUST },
            { new TermQuery(new Term(IndexFields.Head, "1")), Occur.MUST },
        };
        var documents = new List<ExportedDocument>();
        foreach (var hit in searcher.Search(heads, Math.Max(1, reader.MaxDoc)).ScoreDocs.OrderBy(h => h.Doc))
        {
            var stored = searcher.Doc(hit.Doc);
            var docId = stored.Get(IndexFields.DocId);
            var text = stored.Get(IndexFields.DocText) ?? string.Empty;
            var document = new RetrievalDocument(docId, stored.Get(IndexFields.Title) ?? string.Empty, text)
            {
                Url = stored.Get(IndexFields.Url),
                Attributes = LocalDocuments.ReadAttributes(stored),
            };
            var chunks = searcher.Search(new TermQuery(new Term(IndexFields.DocKey, IndexFields.Key(tenantId, docId))), 2).TotalHits;
            var wholeText = chunks == 1 && stored.Get(IndexFields.Text) == text;
            documents.Add(new ExportedDocument(document, wholeText ? ReadVector(reader, hit.Doc) : null));
        }

        return documents;
    }

    /// <summary>The embedding model recorded in the index's last commit (which model made its vectors), or <c>null</c> for an empty index.</summary>
    public static string? ReadModel(string indexPath)
    {
        if (!System.IO.Directory.Exists(indexPath))
        {
            return null;
        }

        using var directory = FSDirectory.Open(new DirectoryInfo(indexPath));
        if (!DirectoryReader.IndexExists(directory))
        {
            return null;
        }

        var commits = DirectoryReader.ListCommits(directory);
        return commits.Count > 0 && commits[^1].UserData.TryGetValue(IndexFields.ModelCommitKey, out var model) ? model : null;
    }

    private static float[]? ReadVector(DirectoryReader reader, int doc)
    {
        var leaf = reader.Leaves[ReaderUtil.SubIndex(doc, reader.Leaves)];
        var values = leaf.AtomicReader.GetBinaryDocValues(IndexFields.Vector);
        if (values is null)
        {
            return null;
        }

        var bytes = new BytesRef();
        values.Get(doc - leaf.DocBase, bytes);
        return bytes.Length == 0 || bytes.Length % sizeof(float) != 0
            ? null
            : MemoryMarshal.Cast<byte, float>(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length)).ToArray();
    }
}

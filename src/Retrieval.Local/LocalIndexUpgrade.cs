using System.Runtime.InteropServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Lucene.Net.Store;
using McpRag.Retrieval.Search;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Rewrites an index of an older layout (<see cref="LocalIndexFormat"/>) into the current one without embedding
/// anything again: every document is rebuilt from its head chunk's stored whole text and attributes, its passages'
/// stored text and their vectors, and the document vector is computed from those. The rewrite is one Lucene commit
/// made by the caller, so an interrupted upgrade leaves the old commit as it was, and the next open starts over.
/// Chunks whose document has no head (torn by a crash before the layout had atomic commits) cannot be rebuilt and are
/// left out, as <c>mcprag index check</c> reports them.
/// </summary>
internal static class LocalIndexUpgrade
{
    /// <summary>Opens a writer on <paramref name="directory"/>, rewrites its last commit and commits once with <paramref name="commit"/>; rolls back on any failure.</summary>
    public static void Run(LuceneDirectory directory, IndexWriterConfig config, Action<IndexWriter> commit, Action<int>? documentWritten = null)
    {
        IndexWriter writer;
        try
        {
            writer = new IndexWriter(directory, config);
        }
        catch (LockObtainFailedException)
        {
            throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the index is busy with another writer while it needs a layout upgrade; try again shortly");
        }

        try
        {
            using (var old = DirectoryReader.Open(directory))
            {
                Rewrite(old, writer, documentWritten);
            }

            commit(writer);
        }
        catch
        {
            writer.Rollback();
            throw;
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Replaces everything <paramref name="writer"/> holds with <paramref name="old"/>'s documents in the current layout; returns how many.</summary>
    public static int Rewrite(DirectoryReader old, IndexWriter writer, Action<int>? documentWritten = null)
    {
        writer.DeleteAll();
        var searcher = new IndexSearcher(old);
        var liveDocs = MultiFields.GetLiveDocs(old);
        var heads = MultiFields.GetTermDocsEnum(old, liveDocs, IndexFields.Head, new BytesRef("1"));
        var documents = 0;
        int head;
        while (heads is not null && (head = heads.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
        {
            var stored = old.Document(head);
            var tenant = stored.Get(IndexFields.TenantId);
            var document = LocalDocuments.ToDocument(stored);
            var chunks = Chunks(searcher, liveDocs, tenant, document.Id);
            var hash = stored.Get(IndexFields.ContentHash) ?? document.ContentHash();
            writer.AddDocuments(LocalDocuments.ToLucene(tenant, document, hash, chunks.Select(c => c.Text).ToList(), chunks.Select(c => c.Vector).ToList()));
            documents++;
            documentWritten?.Invoke(documents);
        }

        return documents;
    }

    /// <summary>The document's passages in order, each with its stored text and vector.</summary>
    private static List<(string Text, float[] Vector)> Chunks(IndexSearcher old, IBits? liveDocs, string tenant, string docId)
    {
        var chunks = new List<(int No, string Text, float[] Vector)>();
        var docs = MultiFields.GetTermDocsEnum(old.IndexReader, liveDocs, IndexFields.DocKey, new BytesRef(IndexFields.Key(tenant, docId)));
        int doc;
        while (docs is not null && (doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
        {
            var stored = ChunkFields.Load(old, doc);
            chunks.Add((stored.GetField(IndexFields.ChunkNo)?.GetInt32Value() ?? 0, stored.Get(IndexFields.Text) ?? string.Empty, Vector(old.IndexReader, doc)));
        }

        return chunks.OrderBy(c => c.No).Select(c => (c.Text, c.Vector)).ToList();
    }

    private static float[] Vector(IndexReader reader, int doc)
    {
        var leaf = reader.Leaves[ReaderUtil.SubIndex(doc, reader.Leaves)];
        var bytes = new BytesRef();
        leaf.AtomicReader.GetBinaryDocValues(IndexFields.Vector)?.Get(doc - leaf.DocBase, bytes);
        return MemoryMarshal.Cast<byte, float>(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length)).ToArray();
    }
}

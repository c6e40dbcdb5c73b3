using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using LuceneDocument = Lucene.Net.Documents.Document;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Loads a chunk's stored fields for a search hit without the whole-document copy the first chunk carries
/// (<see cref="IndexFields.DocText"/>), which a hit never shows and can be many times the chunk's size.
/// </summary>
internal sealed class ChunkFields : DocumentStoredFieldVisitor
{
    private ChunkFields()
    {
    }

    public static LuceneDocument Load(IndexSearcher searcher, int doc)
    {
        var visitor = new ChunkFields();
        searcher.IndexReader.Document(doc, visitor);
        return visitor.Document;
    }

    public override Status NeedsField(FieldInfo fieldInfo) =>
        fieldInfo.Name is IndexFields.DocText or IndexFields.ContentHash ? Status.NO : Status.YES;
}

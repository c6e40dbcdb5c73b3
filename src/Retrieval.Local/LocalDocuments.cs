using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;
using LuceneDocument = Lucene.Net.Documents.Document;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Maps McpRag documents to Lucene documents and back. A document is stored as one Lucene document per chunk; the
/// first chunk (the head) also carries the whole text and the content hash, and is what fetch, delete and the
/// unchanged-content check find.
/// </summary>
internal static class LocalDocuments
{
    /// <summary>
    /// Passage text with offsets in its postings (layout 2, <see cref="LocalIndexFormat"/>), so a snippet can be cut
    /// from the stored positions instead of analysing the passage again.
    /// </summary>
    private static readonly FieldType PassageText = Frozen(new FieldType(TextField.TYPE_STORED) { IndexOptions = IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS });

    /// <summary>
    /// The Lucene documents of one document, one per passage in order: every passage carries its text and vector, and
    /// the head (the first) also the whole text as <see cref="IndexFields.Body"/> and the document vector (the
    /// normalised mean of the passage vectors) as <see cref="IndexFields.DocVector"/>.
    /// </summary>
    public static List<LuceneDocument> ToLucene(string tenantId, RetrievalDocument document, string hash, IReadOnlyList<string> chunks, IReadOnlyList<float[]> vectors)
    {
        var documentVector = MeanDirection(vectors);
        return chunks.Select((c, i) => ToLucene(tenantId, document, hash, c, i, vectors[i], documentVector)).ToList();
    }

    /// <summary>The unit-length mean of <paramref name="vectors"/> (all of one dimension); zeros when they cancel out.</summary>
    public static float[] MeanDirection(IReadOnlyList<float[]> vectors)
    {
        var mean = new float[vectors.Count > 0 ? vectors[0].Length : 0];
        foreach (var vector in vectors)
        {
            for (var d = 0; d < mean.Length && d < vector.Length; d++)
            {
                mean[d] += vector[d];
            }
        }

        var norm = MathF.Sqrt(mean.Sum(x => x * x));
        if (norm > 0)
        {
            for (var d = 0; d < mean.Length; d++)
            {
                mean[d] /= norm;
            }
        }

        return mean;
    }

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }

    private static LuceneDocument ToLucene(string tenantId, RetrievalDocument document, string hash, string chunk, int chunkNo, float[] vector, float[] documentVector)
    {
        var doc = new LuceneDocument
        {
            new StringField(IndexFields.TenantId, tenantId, Field.Store.YES),
            new StringField(IndexFields.DocId, document.Id, Field.Store.YES),
            new StringField(IndexFields.DocKey, IndexFields.Key(tenantId, document.Id), Field.Store.NO),
            new StoredField(IndexFields.ChunkNo, chunkNo),
            new TextField(IndexFields.Title, document.Title, Field.Store.YES),
            new Field(IndexFields.Text, chunk, PassageText),
            new BinaryDocValuesField(IndexFields.Vector, SegmentVectorCache.Encode(vector)),
        };
        if (document.Url is not null)
        {
            doc.Add(new StoredField(IndexFields.Url, document.Url));
        }

        foreach (var (name, values) in document.Attributes)
        {
            foreach (var value in values)
            {
                doc.Add(new StringField(IndexFields.AttributePrefix + name, value, Field.Store.YES));
                if (AttributeValues.TryNumber(value, out var number))
                {
                    doc.Add(new DoubleField(IndexFields.NumberPrefix + name, number, Field.Store.NO));
                }

                if (AttributeValues.TryDate(value, out var seconds))
                {
                    doc.Add(new Int64Field(IndexFields.DatePrefix + name, seconds, Field.Store.NO));
                }
            }
        }

        if (chunkNo == 0)
        {
            doc.Add(new StringField(IndexFields.Head, "1", Field.Store.NO));
            doc.Add(new StoredField(IndexFields.DocText, document.Text));
            doc.Add(new TextField(IndexFields.Body, document.Text, Field.Store.NO));
            doc.Add(new BinaryDocValuesField(IndexFields.DocVector, SegmentVectorCache.Encode(documentVector)));
            doc.Add(new StoredField(IndexFields.ContentHash, hash));
        }

        return doc;
    }

    /// <summary>The whole document from its head chunk.</summary>
    public static RetrievalDocument ToDocument(LuceneDocument head) =>
        new(head.Get(IndexFields.DocId), head.Get(IndexFields.Title) ?? string.Empty, head.Get(IndexFields.DocText) ?? string.Empty)
        {
            Url = head.Get(IndexFields.Url),
            Attributes = ReadAttributes(head),
        };

    /// <summary>The attributes stored on a chunk (each value is one <see cref="IndexFields.AttributePrefix"/> field, in order).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadAttributes(LuceneDocument document)
    {
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var group in document.Fields.Where(f => f.Name.StartsWith(IndexFields.AttributePrefix, StringComparison.Ordinal)).GroupBy(f => f.Name))
        {
            attributes[group.Key[IndexFields.AttributePrefix.Length..]] = group.Select(f => f.GetStringValue()).ToArray();
        }

        return attributes;
    }

    /// <summary>The head chunk of the tenant's document, or <c>null</c> when the tenant has no document with that id.</summary>
    public static int? FindHead(IndexSearcher searcher, string tenantId, string docId)
    {
        var query = new BooleanQuery
        {
            { LocalQueries.Document(tenantId, docId), Occur.MUST },
            { new TermQuery(new Term(IndexFields.Head, "1")), Occur.MUST },
        };
        var hits = searcher.Search(query, 1).ScoreDocs;
        return hits.Length == 0 ? null : hits[0].Doc;
    }

    public static string? StoredHash(IndexSearcher searcher, string tenantId, string docId) =>
        FindHead(searcher, tenantId, docId) is { } head ? searcher.Doc(head).Get(IndexFields.ContentHash) : null;
}

using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// One tenant's live passages in one reader generation, and the BM25 statistics counted over them: per word, the
/// passages holding it; per field, the passage count and total length. Lengths are the ones BM25 scores each passage
/// with (the field norms), so a tenant's average length and each passage's length agree, and no extra field is stored.
/// </summary>
internal sealed class TenantPassages
{
    /// <summary>Distinct words whose statistics are kept per generation; beyond it they are counted per query.</summary>
    private const int MaxCachedTerms = 20_000;

    private readonly IndexReader _reader;
    private readonly FixedBitSet?[] _leaves;
    private readonly long _count;
    private readonly ConcurrentDictionary<string, CollectionStatistics> _fields = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Term, TermStatistics> _terms = new();

    public TenantPassages(IndexReader reader, string tenantId)
    {
        _reader = reader;
        var leaves = reader.Leaves;
        _leaves = new FixedBitSet?[leaves.Count];
        var tenant = new BytesRef(tenantId);
        foreach (var leaf in leaves)
        {
            var terms = leaf.AtomicReader.GetTerms(IndexFields.TenantId)?.GetEnumerator();
            if (terms is null || !terms.SeekExact(tenant))
            {
                continue;
            }

            var bits = new FixedBitSet(leaf.AtomicReader.MaxDoc);
            var docs = terms.Docs(leaf.AtomicReader.LiveDocs, null, DocsFlags.NONE);
            int doc;
            while ((doc = docs.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                bits.Set(doc);
                _count++;
            }

            _leaves[leaf.Ord] = bits;
        }
    }

    /// <summary>How many of the tenant's passages hold <paramref name="term"/>, and how often in all.</summary>
    public TermStatistics Term(Term term, TermContext context)
    {
        if (_terms.TryGetValue(term, out var cached))
        {
            return cached;
        }

        long docFreq = 0;
        long totalTermFreq = 0;
        foreach (var leaf in _reader.Leaves)
        {
            if (_leaves[leaf.Ord] is not { } bits || context.Get(leaf.Ord) is not { } state)
            {
                continue;
            }

            var terms = leaf.AtomicReader.GetTerms(term.Field)!.GetEnumerator();
            terms.SeekExact(term.Bytes, state);
            var docs = terms.Docs(bits, null, DocsFlags.FREQS);
            while (docs.NextDoc() != DocIdSetIterator.NO_MORE_DOCS)
            {
                docFreq++;
                totalTermFreq += docs.Freq;
            }
        }

        var statistics = new TermStatistics(term.Bytes, docFreq, totalTermFreq);
        if (_terms.Count < MaxCachedTerms)
        {
            _terms.TryAdd(term, statistics);
        }

        return statistics;
    }

    /// <summary>The tenant's passage count (document count for <see cref="IndexFields.Body"/>) and the summed length of <paramref name="field"/> over them.</summary>
    public CollectionStatistics Collection(string field) => _fields.GetOrAdd(field, f =>
    {
        long withField = 0;
        double length = 0;
        foreach (var leaf in _reader.Leaves)
        {
            if (_leaves[leaf.Ord] is not { } bits || leaf.AtomicReader.GetNormValues(f) is not { } norms)
            {
                continue;
            }

            for (var doc = bits.NextSetBit(0); doc >= 0; doc = doc + 1 < bits.Length ? bits.NextSetBit(doc + 1) : -1)
            {
                var norm = (byte)norms.Get(doc);
                if (norm != 0)
                {
                    withField++;
                    length += LengthOf(norm);
                }
            }
        }

        // The whole-document field is on head passages only: its idf counts documents, not passages.
        return new CollectionStatistics(f, f == IndexFields.Body ? withField : _count, withField, (long)Math.Round(length), -1);
    });

    /// <summary>The passage length a BM25 norm stands for (the inverse of <c>BM25Similarity.EncodeNormValue</c> with no boost).</summary>
    private static double LengthOf(byte norm)
    {
        var f = SmallSingle.Byte315ToSingle(norm);
        return 1.0 / (f * f);
    }
}

using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Nearest-chunk search over every chunk inside the query's scope (the caller's tenant and filters): a scan of the
/// 8-bit codes shortlists the best <see cref="ShortlistSize"/> chunks, which are rescored with their full-precision
/// vectors, keeping the best <c>count</c>. The scores returned are exact dot products; vectors are normalised, so
/// they are cosine similarities. Only a chunk that the codes rank below the whole shortlist but the exact vectors
/// would put in the top <c>count</c> can be missed; the <c>vector-recall</c> benchmark measures how often.
/// </summary>
internal static class LocalVectorSearch
{
    /// <summary>How many chunks the quantized scan keeps for rescoring when <paramref name="count"/> are wanted.</summary>
    public static int ShortlistSize(int count) => (2 * count) + 32;

    public static ScoreDoc[] NearestChunks(IndexSearcher searcher, SegmentVectorCache vectors, Query scope, float[] query, int count)
    {
        var weight = searcher.CreateNormalizedWeight(scope);
        var shortlist = new TopScores(ShortlistSize(count));
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var scorer = weight.GetScorer(leaf, leaf.AtomicReader.LiveDocs);
            if (scorer is null)
            {
                continue;
            }

            var segment = vectors.Get(leaf.AtomicReader);
            int doc;
            while ((doc = scorer.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                shortlist.Offer(leaf.DocBase + doc, segment.Dot(doc, query));
            }
        }

        var leaves = searcher.IndexReader.Leaves;
        var best = new TopScores(count);
        var scratch = new BytesRef();
        AtomicReaderContext? current = null;
        BinaryDocValues? exact = null;
        foreach (var doc in shortlist.Docs().Order())
        {
            // In doc order the shortlist visits each segment once, so its doc values are looked up once per segment.
            if (current is null || doc >= current.DocBase + current.AtomicReader.MaxDoc)
            {
                current = leaves[ReaderUtil.SubIndex(doc, leaves)];
                exact = vectors.Exact(current.AtomicReader);
            }

            best.Offer(doc, vectors.ExactDot(exact, doc - current.DocBase, query, scratch));
        }

        return best.Drain();
    }

    /// <summary>The best <c>capacity</c> (doc, score) pairs offered, in a min-heap on score.</summary>
    private sealed class TopScores(int capacity)
    {
        private readonly PriorityQueue<int, float> _heap = new(capacity + 1);

        public void Offer(int doc, float score)
        {
            if (_heap.Count < capacity)
            {
                _heap.Enqueue(doc, score);
            }
            else if (_heap.TryPeek(out _, out var lowest) && score > lowest)
            {
                _heap.DequeueEnqueue(doc, score);
            }
        }

        public IEnumerable<int> Docs() => _heap.UnorderedItems.Select(e => e.Element);

        /// <summary>Best first.</summary>
        public ScoreDoc[] Drain()
        {
            var result = new ScoreDoc[_heap.Count];
            for (var i = result.Length - 1; i >= 0; i--)
            {
                _heap.TryDequeue(out var doc, out var score);
                result[i] = new ScoreDoc(doc, score);
            }

            return result;
        }
    }
}

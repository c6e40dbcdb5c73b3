using Lucene.Net.Search;
using McpRag.Retrieval.Embeddings;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Exact nearest-chunk search: the dot product of the query vector with every chunk vector inside the query's scope
/// (the caller's tenant and filters), keeping the best <c>count</c>. Vectors are normalised, so the dot product is
/// the cosine similarity.
/// </summary>
internal static class LocalVectorSearch
{
    public static ScoreDoc[] NearestChunks(IndexSearcher searcher, SegmentVectorCache vectors, Query scope, float[] query, int count)
    {
        var weight = searcher.CreateNormalizedWeight(scope);
        var best = new PriorityQueue<int, float>(count + 1);
        var dimensions = vectors.Dimensions;
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
                var score = VectorMath.Dot(segment.AsSpan(doc * dimensions, dimensions), query);
                if (best.Count < count)
                {
                    best.Enqueue(leaf.DocBase + doc, score);
                }
                else if (best.TryPeek(out _, out var lowest) && score > lowest)
                {
                    best.DequeueEnqueue(leaf.DocBase + doc, score);
                }
            }
        }

        var result = new ScoreDoc[best.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            best.TryDequeue(out var doc, out var score);
            result[i] = new ScoreDoc(doc, score);
        }

        return result;
    }
}

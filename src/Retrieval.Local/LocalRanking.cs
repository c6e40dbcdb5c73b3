using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using McpRag.Retrieval.Ranking;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>Turns ranked chunks into ranked documents and fuses the keyword and semantic rankings (<see cref="FusionMethod"/>).</summary>
internal static class LocalRanking
{
    /// <summary>
    /// Keeps the best chunk of each document, in rank order. Document ids come from the field cache (the indexed
    /// <c>doc_id</c> terms, un-inverted once per segment) rather than from stored fields, which would decompress a
    /// stored-field block for every candidate.
    /// </summary>
    public static List<RankedDocument> Collapse(IndexSearcher searcher, ScoreDoc[] chunks)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<RankedDocument>();
        var leaves = searcher.IndexReader.Leaves;
        var bytes = new BytesRef();
        foreach (var chunk in chunks)
        {
            var leaf = leaves[ReaderUtil.SubIndex(chunk.Doc, leaves)];
            FieldCache.DEFAULT.GetTerms(leaf.AtomicReader, IndexFields.DocId, false).Get(chunk.Doc - leaf.DocBase, bytes);
            var docId = bytes.Utf8ToString();
            if (seen.Add(docId))
            {
                result.Add(new RankedDocument(docId, chunk.Doc, chunk.Score));
            }
        }

        return result;
    }

    /// <summary>One ranking of both; each document keeps its best chunk from either list (keyword first) for the snippet.</summary>
    public static List<RankedDocument> Fuse(LocalBackendOptions options, List<RankedDocument> keyword, List<RankedDocument> semantic)
    {
        var bestChunk = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in keyword.Concat(semantic))
        {
            bestChunk.TryAdd(r.DocId, r.Chunk);
        }

        var keywordScores = keyword.Select(r => (r.DocId, (double)r.Score)).ToList();
        var semanticScores = semantic.Select(r => (r.DocId, (double)r.Score)).ToList();
        var fused = options.Fusion switch
        {
            FusionMethod.Linear => LinearFusion.Fuse(options.SemanticWeight, keywordScores, semanticScores),
            FusionMethod.ZScore => ZScoreFusion.Fuse(options.SemanticWeight, keywordScores, semanticScores),
            _ => ReciprocalRankFusion.Fuse(options.RrfK, keyword.Select(r => r.DocId).ToList(), semantic.Select(r => r.DocId).ToList()),
        };
        return fused
            .Select(f => new RankedDocument(f.Item, bestChunk[f.Item], f.Score))
            .ToList();
    }
}

/// <summary>A document in a ranking, with the chunk that ranked it (its snippet) and its score.</summary>
internal sealed record RankedDocument(string DocId, int Chunk, double Score);

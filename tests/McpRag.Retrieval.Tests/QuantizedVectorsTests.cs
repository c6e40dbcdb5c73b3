using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;

namespace McpRag.Retrieval.Tests;

public sealed class QuantizedVectorsTests
{
    private const int Dimensions = 384;

    [Fact]
    public void Dot_NormalisedVectors_MatchesFloatDotWithinQuantizationError()
    {
        var random = new Random(5);
        var codes = new QuantizedVectors(200, Dimensions);
        var vectors = Enumerable.Range(0, 200).Select(_ => Normalised(random)).ToArray();
        for (var i = 0; i < vectors.Length; i++)
        {
            codes.Set(i, vectors[i]);
        }

        var query = Normalised(random);
        for (var i = 0; i < vectors.Length; i++)
        {
            // Each code is off by at most half a step (max/254); summed over 384 dimensions of a unit query the
            // error of the dot product stays far below 0.01.
            Assert.InRange(codes.Dot(i, query) - VectorMath.Dot(vectors[i], query), -0.01f, 0.01f);
        }
    }

    [Fact]
    public void Dot_OddLength_IncludesTheTailBeyondTheLastSimdBlock()
    {
        sbyte[] codes = [.. Enumerable.Repeat((sbyte)1, 37)];
        var query = Enumerable.Repeat(2f, 37).ToArray();

        Assert.Equal(74f, QuantizedVectors.Dot(codes, query));
    }

    [Fact]
    public void Set_ZeroVector_DecodesToZerosAndScoresZero()
    {
        var codes = new QuantizedVectors(1, Dimensions);

        codes.Set(0, new float[Dimensions]);

        Assert.All(codes.Decode(0), x => Assert.Equal(0f, x));
        Assert.Equal(0f, codes.Dot(0, Normalised(new Random(1))));
    }

    [Fact]
    public void Set_LargestComponent_MapsTo127AndDecodesExactly()
    {
        var vector = new float[Dimensions];
        vector[3] = -0.5f;
        vector[7] = 0.25f;
        var codes = new QuantizedVectors(1, Dimensions);

        codes.Set(0, vector);

        var decoded = codes.Decode(0);
        Assert.Equal(-0.5f, decoded[3], 6);
        Assert.Equal(0.25f, decoded[7], 2);
    }

    [Fact]
    public void NearestChunks_QuantizedShortlist_ReturnsTheExactTopWithExactScores()
    {
        var random = new Random(11);
        var vectors = Enumerable.Range(0, 1_500).Select(_ => Normalised(random)).ToArray();
        using var directory = new RAMDirectory();
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new KeywordAnalyzer())))
        {
            // Several segments, so shortlisted documents are mapped back to their own segment's doc values.
            for (var i = 0; i < vectors.Length; i++)
            {
                writer.AddDocument([new BinaryDocValuesField("vec", SegmentVectorCache.Encode(vectors[i]))]);
                if (i % 500 == 499)
                {
                    writer.Commit();
                }
            }
        }

        using var reader = DirectoryReader.Open(directory);
        var searcher = new IndexSearcher(reader);
        var query = Normalised(random);

        var found = LocalVectorSearch.NearestChunks(searcher, new SegmentVectorCache("vec", Dimensions), new MatchAllDocsQuery(), query, 20);

        var exact = vectors.Select((v, doc) => (Doc: doc, Score: VectorMath.Dot(v, query))).OrderByDescending(x => x.Score).Take(20).ToArray();
        Assert.True(reader.Leaves.Count > 1);
        Assert.Equal(exact.Select(x => x.Doc), found.Select(f => f.Doc));
        Assert.Equal(exact.Select(x => x.Score), found.Select(f => f.Score));
    }

    private static float[] Normalised(Random random)
    {
        var vector = Enumerable.Range(0, Dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var norm = MathF.Sqrt(VectorMath.Dot(vector, vector));
        return [.. vector.Select(x => x / norm)];
    }
}

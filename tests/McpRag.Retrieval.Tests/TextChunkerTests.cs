using McpRag.Retrieval.Ingest;

namespace McpRag.Retrieval.Tests;

public sealed class TextChunkerTests
{
    /// <summary>Overlap is carried in whole sentences: 8 words of overlap fit one seven-word sentence.</summary>
    private static readonly TextChunker Chunker = new(new ChunkingOptions { ChunkWords = 20, OverlapWords = 8 });

    [Fact]
    public void Split_ShortText_ReturnsOneChunk()
    {
        Assert.Equal(["One short sentence."], Chunker.Split("One short sentence."));
    }

    [Fact]
    public void Split_LongText_KeepsChunksWithinSizeAndCarriesOverlap()
    {
        var sentences = Enumerable.Range(1, 12).Select(i => $"Sentence number {i} has exactly seven words.");
        var chunks = Chunker.Split(string.Join(" ", sentences));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.InRange(TextChunker.CountWords(c), 1, 20 + 7));
        for (var i = 1; i < chunks.Count; i++)
        {
            var lastSentence = chunks[i - 1].Split(". ").Last().TrimEnd('.');
            Assert.StartsWith(lastSentence, chunks[i], StringComparison.Ordinal);
        }

        Assert.Contains("Sentence number 12", chunks[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Split_RunOnTextWithoutPunctuation_IsCutIntoChunkSizedPieces()
    {
        var words = string.Join(' ', Enumerable.Range(0, 100).Select(i => $"w{i}"));

        var chunks = Chunker.Split(words);

        Assert.All(chunks, c => Assert.InRange(TextChunker.CountWords(c), 1, 20));
        Assert.Contains("w99", chunks[^1], StringComparison.Ordinal);
        Assert.Equal(100, chunks.SelectMany(c => c.Split(' ')).Distinct().Count());
    }

    [Fact]
    public void Split_EmptyText_ReturnsNoChunks()
    {
        Assert.Empty(Chunker.Split("  \n\n "));
    }
}

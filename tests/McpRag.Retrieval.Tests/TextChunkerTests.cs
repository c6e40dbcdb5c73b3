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

    [Theory]
    [InlineData("\t")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\u00A0")]
    [InlineData("\u2003")]
    [InlineData(" \t ")]
    public void Split_WordsSeparatedByAnyWhitespace_IsCutIntoChunkSizedPieces(string separator)
    {
        var words = string.Join(separator, Enumerable.Range(0, 100).Select(i => $"w{i}"));

        var chunks = Chunker.Split(words);

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.InRange(TextChunker.CountWords(c), 1, 20));
        Assert.All(chunks, c => Assert.DoesNotContain(c, ch => char.IsWhiteSpace(ch) && ch != ' '));
        Assert.Equal(100, chunks.SelectMany(c => c.Split(' ')).Distinct().Count());
    }

    [Fact]
    public void Split_TabSeparatedLargeText_NoChunkOverCharacterCap()
    {
        var options = new ChunkingOptions();
        var text = string.Join('\t', Enumerable.Range(0, 30_000).Select(i => $"cell{i}"));

        var chunks = new TextChunker(options).Split(text);

        Assert.All(chunks, c => Assert.InRange(c.Length, 1, options.MaxChunkChars));
        Assert.All(chunks, c => Assert.InRange(TextChunker.CountWords(c), 1, options.ChunkWords));
        Assert.Contains("cell29999", chunks[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Split_TextWithoutWhitespace_IsCutAtCharacterCap()
    {
        var chunker = new TextChunker(new ChunkingOptions { ChunkWords = 20, OverlapWords = 8, MaxChunkChars = 300 });
        var text = new string('a', 299) + "\U0001F600" + new string('b', 1_000);

        var chunks = chunker.Split(text);

        Assert.All(chunks, c => Assert.InRange(c.Length, 1, 300));
        Assert.All(chunks, c => Assert.False(char.IsHighSurrogate(c[^1]), "a chunk ends inside a surrogate pair"));
        Assert.Equal(text, string.Concat(chunks));
    }

    [Fact]
    public void Split_LongWordsAmongSentences_KeepsEveryChunkWithinCharacterCap()
    {
        var chunker = new TextChunker(new ChunkingOptions { ChunkWords = 20, OverlapWords = 8, MaxChunkChars = 300 });
        var sentences = Enumerable.Range(0, 40).Select(i => i % 3 == 0 ? $"Word {new string('x', 120 + i)} ends." : $"Sentence {i} is short.");

        var chunks = chunker.Split(string.Join("\n", sentences));

        Assert.All(chunks, c => Assert.InRange(c.Length, 1, 300));
        Assert.Contains("Sentence 38", chunks[^1], StringComparison.Ordinal);
    }
}

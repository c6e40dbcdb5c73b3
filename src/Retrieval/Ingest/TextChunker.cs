using System.Text;

namespace McpRag.Retrieval.Ingest;

/// <summary>
/// Splits a document into overlapping passages of about <see cref="ChunkingOptions.ChunkWords"/> words and at most
/// <see cref="ChunkingOptions.MaxChunkChars"/> characters, breaking at paragraph and sentence ends where it can.
/// MiniLM was trained on passages of up to 256 wordpieces, and about 180 English words stay within that, so each
/// chunk is embedded whole instead of truncated. Every kind of whitespace (tabs, newlines, no-break spaces…)
/// separates words, and passages are stored with single spaces, so counting and splitting always agree.
/// </summary>
public sealed class TextChunker(ChunkingOptions options)
{
    public IReadOnlyList<string> Split(string text)
    {
        var chunks = new List<string>();
        var current = new List<string>();
        var words = 0;
        var chars = 0;
        foreach (var sentence in Sentences(text))
        {
            var sentenceWords = CountWords(sentence);
            if (current.Count > 0 && (words + sentenceWords > options.ChunkWords || chars + 1 + sentence.Length > options.MaxChunkChars))
            {
                chunks.Add(string.Join(' ', current));
                (current, words, chars) = Overlap(current, sentence.Length);
            }

            chars += (current.Count > 0 ? 1 : 0) + sentence.Length;
            current.Add(sentence);
            words += sentenceWords;
        }

        if (current.Count > 0)
        {
            chunks.Add(string.Join(' ', current));
        }

        return chunks;
    }

    /// <summary>The last whole sentences of a chunk that fit the overlap and still leave room for the next sentence.</summary>
    private (List<string> Sentences, int Words, int Chars) Overlap(List<string> previous, int nextLength)
    {
        var kept = new List<string>();
        var words = 0;
        var chars = 0;
        for (var i = previous.Count - 1; i >= 0; i--)
        {
            var count = CountWords(previous[i]);
            var length = chars + previous[i].Length + 1;
            if (words + count > options.OverlapWords || length + 1 + nextLength > options.MaxChunkChars)
            {
                break;
            }

            kept.Insert(0, previous[i]);
            words += count;
            chars = length;
        }

        return (kept, words, Math.Max(0, chars - 1));
    }

    /// <summary>
    /// Sentence-sized pieces with every whitespace run turned into one space; a run-on "sentence" longer than a chunk
    /// is cut into chunk-sized word runs.
    /// </summary>
    private IEnumerable<string> Sentences(string text)
    {
        foreach (var paragraph in Paragraphs(text))
        {
            var flat = Flatten(paragraph);
            var start = 0;
            for (var i = 0; i < flat.Length; i++)
            {
                var end = flat[i] is '.' or '!' or '?' && (i + 1 == flat.Length || flat[i + 1] == ' ');
                if (end || i + 1 == flat.Length)
                {
                    foreach (var piece in CutLong(flat[start..(i + 1)].Trim()))
                    {
                        yield return piece;
                    }

                    start = i + 1;
                }
            }
        }
    }

    private static readonly char[] LineBreaks = ['\n', '\r', '\f', '\v', '\u0085', '\u2028', '\u2029'];

    /// <summary>Paragraphs end at a line holding only whitespace (any line break convention).</summary>
    private static IEnumerable<string> Paragraphs(string text)
    {
        var paragraph = new StringBuilder();
        foreach (var line in text.Split(LineBreaks))
        {
            if (!line.AsSpan().IsWhiteSpace())
            {
                paragraph.Append(line).Append(' ');
            }
            else if (paragraph.Length > 0)
            {
                yield return paragraph.ToString();
                paragraph.Clear();
            }
        }

        if (paragraph.Length > 0)
        {
            yield return paragraph.ToString();
        }
    }

    /// <summary>The text with each run of whitespace (of any kind) replaced by one space, trimmed.</summary>
    private static string Flatten(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
            }
            else
            {
                if (space)
                {
                    builder.Append(' ');
                    space = false;
                }

                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// A sentence within both limits as is; otherwise runs of whole words within both limits, each starting
    /// <see cref="ChunkingOptions.OverlapWords"/> words before the previous one ended. A word longer than a passage is cut.
    /// </summary>
    private IEnumerable<string> CutLong(string sentence)
    {
        if (sentence.Length == 0)
        {
            yield break;
        }

        var words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(CutWord).ToArray();
        if (words.Length <= options.ChunkWords && sentence.Length <= options.MaxChunkChars)
        {
            yield return sentence;
            yield break;
        }

        var start = 0;
        while (true)
        {
            var end = start;
            var length = -1;
            while (end < words.Length && end - start < options.ChunkWords && length + 1 + words[end].Length <= options.MaxChunkChars)
            {
                length += 1 + words[end].Length;
                end++;
            }

            yield return string.Join(' ', words[start..end]);
            if (end >= words.Length)
            {
                yield break;
            }

            start = Math.Max(start + 1, end - options.OverlapWords);
        }
    }

    /// <summary>A word as pieces of at most <see cref="ChunkingOptions.MaxChunkChars"/> characters, never splitting a surrogate pair.</summary>
    private IEnumerable<string> CutWord(string word)
    {
        var start = 0;
        while (word.Length - start > options.MaxChunkChars)
        {
            var end = start + options.MaxChunkChars;
            if (char.IsHighSurrogate(word[end - 1]))
            {
                end--;
            }

            yield return word[start..end];
            start = end;
        }

        yield return start == 0 ? word : word[start..];
    }

    internal static int CountWords(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }
}

namespace McpRag.Retrieval.Ingest;

/// <summary>
/// Splits a document into overlapping passages of about <see cref="ChunkingOptions.ChunkWords"/> words, breaking
/// at paragraph and sentence ends where it can. MiniLM was trained on passages of up to 256 wordpieces, and about
/// 180 English words stay within that, so each chunk is embedded whole instead of truncated.
/// </summary>
public sealed class TextChunker(ChunkingOptions options)
{
    public IReadOnlyList<string> Split(string text)
    {
        var chunks = new List<string>();
        var current = new List<string>();
        var words = 0;
        var hasNewText = false;
        foreach (var sentence in Sentences(text))
        {
            var sentenceWords = CountWords(sentence);
            if (hasNewText && words + sentenceWords > options.ChunkWords)
            {
                chunks.Add(string.Join(' ', current));
                (current, words) = Overlap(current);
            }

            current.Add(sentence);
            words += sentenceWords;
            hasNewText = true;
        }

        if (hasNewText)
        {
            chunks.Add(string.Join(' ', current));
        }

        return chunks;
    }

    private (List<string> Sentences, int Words) Overlap(List<string> previous)
    {
        var kept = new List<string>();
        var words = 0;
        for (var i = previous.Count - 1; i >= 0; i--)
        {
            var count = CountWords(previous[i]);
            if (words + count > options.OverlapWords)
            {
                break;
            }

            kept.Insert(0, previous[i]);
            words += count;
        }

        return (kept, words);
    }

    /// <summary>Sentence-sized pieces; a run-on "sentence" longer than a chunk is cut into chunk-sized word runs.</summary>
    private IEnumerable<string> Sentences(string text)
    {
        foreach (var paragraph in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var flat = paragraph.Replace('\n', ' ');
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

    private IEnumerable<string> CutLong(string sentence)
    {
        if (sentence.Length == 0)
        {
            yield break;
        }

        var words = sentence.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length <= options.ChunkWords)
        {
            yield return sentence;
            yield break;
        }

        var step = Math.Max(1, options.ChunkWords - options.OverlapWords);
        for (var i = 0; i < words.Length; i += step)
        {
            yield return string.Join(' ', words.Skip(i).Take(options.ChunkWords));
            if (i + options.ChunkWords >= words.Length)
            {
                yield break;
            }
        }
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

using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// The snippet of a hit: the window of the passage that holds the most distinct query words, each marked, or the
/// passage's start when none occurs in it. Where the words are comes from the offsets the index stores in the passage
/// postings (layout 2), so a hit's text is never analysed again: only the query is analysed, once per search. The
/// package's offset-based highlighters do not serve here (<c>PostingsHighlighter</c> is not in the .NET 8 build of
/// Lucene.Net.Highlighter, and <c>FastVectorHighlighter</c> needs term vectors, which the index does not keep).
/// </summary>
internal sealed class LocalSnippets
{
    /// <summary>Distinct query words looked up per page: a query is at most a few thousand characters, its words far fewer.</summary>
    private const int MaxTerms = 64;

    private const string Marker = "**";

    private readonly BytesRef[] _terms;

    private LocalSnippets(BytesRef[] terms) => _terms = terms;

    /// <summary>The snippet builder of one search's query text, analysed as the passage text is indexed.</summary>
    public static LocalSnippets For(string queryText) =>
        new([.. LocalIndex.Words(queryText).Distinct(StringComparer.Ordinal).Take(MaxTerms).Select(w => new BytesRef(w))]);

    /// <summary>
    /// Where the query's words occur in each of a page's passages (<paramref name="docs"/>, reader-wide ids), read
    /// from the postings for the whole page at once: per segment one terms enumerator, per word one seek and one
    /// postings enumerator advanced through the page's passages in doc order.
    /// </summary>
    public Dictionary<int, List<Match>> Find(IndexSearcher searcher, IEnumerable<int> docs)
    {
        var found = new Dictionary<int, List<Match>>();
        var leaves = searcher.IndexReader.Leaves;
        foreach (var segment in docs.Distinct().GroupBy(d => ReaderUtil.SubIndex(d, leaves)))
        {
            var leaf = leaves[segment.Key];
            var termsEnum = leaf.AtomicReader.GetTerms(IndexFields.Text)?.GetEnumerator();
            if (termsEnum is null)
            {
                continue;
            }

            var ordered = segment.Order().ToArray();
            DocsAndPositionsEnum? positions = null;
            for (var t = 0; t < _terms.Length; t++)
            {
                if (!termsEnum.SeekExact(_terms[t]) || (positions = termsEnum.DocsAndPositions(null, positions, DocsAndPositionsFlags.OFFSETS)) is null)
                {
                    continue;
                }

                var current = -1;
                foreach (var doc in ordered)
                {
                    var local = doc - leaf.DocBase;
                    if (current < local)
                    {
                        current = positions.Advance(local);
                    }

                    if (current == DocIdSetIterator.NO_MORE_DOCS)
                    {
                        break;
                    }

                    if (current != local)
                    {
                        continue;
                    }

                    for (var i = positions.Freq; i > 0; i--)
                    {
                        positions.NextPosition();
                        if (positions.StartOffset >= 0 && positions.EndOffset > positions.StartOffset)
                        {
                            (found.TryGetValue(doc, out var list) ? list : found[doc] = []).Add(new Match(positions.StartOffset, positions.EndOffset, t));
                        }
                    }
                }
            }
        }

        foreach (var list in found.Values)
        {
            list.Sort((a, b) => a.Start.CompareTo(b.Start));
        }

        return found;
    }

    /// <summary>The snippet of a passage whose stored text is <paramref name="text"/>, from its <see cref="Find"/> matches, and whether it shows less than the passage.</summary>
    public static (string Snippet, bool Truncated) Snippet(string text, List<Match>? found, int snippetChars)
    {
        var matches = found?.Where(m => m.End <= text.Length).ToList() ?? [];
        if (matches.Count == 0)
        {
            var start = SnippetText.Shorten(text, snippetChars);
            return (start, start.Length != text.Length);
        }

        var (from, to) = Window(matches, text, snippetChars);
        return (Marked(text, matches, from, to), from > 0 || to < text.Length);
    }

    /// <summary>
    /// The window of about <paramref name="length"/> characters with the most distinct query words (then the most
    /// occurrences, then the earliest), widened evenly around its words and cut at word boundaries.
    /// </summary>
    private static (int From, int To) Window(List<Match> matches, string text, int length)
    {
        if (text.Length <= length)
        {
            return (0, text.Length);
        }

        var best = (First: 0, Last: 0, Distinct: 0);
        var counts = new Dictionary<int, int>();
        for (int first = 0, last = -1; first < matches.Count; first++)
        {
            while (last + 1 < matches.Count && matches[last + 1].End - matches[first].Start <= length)
            {
                last++;
                counts[matches[last].Term] = counts.GetValueOrDefault(matches[last].Term) + 1;
            }

            if (last < first)
            {
                // One word longer than the window: show it alone.
                last = first;
                counts[matches[first].Term] = 1;
            }

            if (counts.Count > best.Distinct || (counts.Count == best.Distinct && last - first > best.Last - best.First))
            {
                best = (first, last, counts.Count);
            }

            var leaving = matches[first].Term;
            if (--counts[leaving] == 0)
            {
                counts.Remove(leaving);
            }
        }

        int wordsFrom = matches[best.First].Start, wordsTo = matches[best.Last].End;
        var from = Math.Max(0, wordsFrom - Math.Max(0, length - (wordsTo - wordsFrom)) / 2);
        var to = Math.Min(text.Length, Math.Max(wordsTo, from + length));
        from = Math.Max(0, Math.Min(from, to - length));
        if (from > 0)
        {
            var space = text.IndexOf(' ', from);
            from = space >= 0 && space < wordsFrom ? space + 1 : wordsFrom;
        }

        if (to < text.Length)
        {
            var space = text.LastIndexOf(' ', to);
            to = space >= wordsTo ? space : Math.Max(to, wordsTo);
        }

        return (from, to);
    }

    /// <summary>The window's text with each query word in it between markers.</summary>
    private static string Marked(string text, List<Match> matches, int from, int to)
    {
        var snippet = new System.Text.StringBuilder(to - from + 16);
        var at = from;
        foreach (var match in matches)
        {
            if (match.Start < at || match.End > to)
            {
                continue;
            }

            snippet.Append(text, at, match.Start - at).Append(Marker).Append(text, match.Start, match.End - match.Start).Append(Marker);
            at = match.End;
        }

        return snippet.Append(text, at, to - at).ToString().Trim();
    }

    /// <summary>One occurrence of query word <c>Term</c> at characters <c>[Start, End)</c> of the passage text.</summary>
    public readonly record struct Match(int Start, int End, int Term);
}

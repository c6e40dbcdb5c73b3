using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>The snippet of a hit: the chunk's best fragment for the query's terms, or the chunk's start.</summary>
internal static class LocalSnippets
{
    /// <summary>
    /// One highlighter per search, scoring fragments by the query's terms. <see cref="QueryTermScorer"/> is used
    /// rather than <see cref="QueryScorer"/>: the latter builds an in-memory index per snippet to score phrase
    /// positions, which cost about a millisecond per hit, and these queries have no phrases.
    /// </summary>
    public static Highlighter NewHighlighter(Query textQuery, int snippetChars) =>
        new(new SimpleHTMLFormatter("**", "**"), new QueryTermScorer(textQuery, IndexFields.Text))
        {
            TextFragmenter = new SimpleFragmenter(snippetChars),
        };

    /// <summary>The snippet and whether it shows less than the chunk's text.</summary>
    public static (string Snippet, bool Truncated) Snippet(string text, Highlighter? highlighter, int snippetChars)
    {
        if (highlighter is not null)
        {
            var fragment = highlighter.GetBestFragment(LocalIndex.Analyzer, IndexFields.Text, text);
            if (!string.IsNullOrEmpty(fragment))
            {
                return (fragment.Trim(), SnippetText.IsCut(fragment, text));
            }
        }

        var snippet = SnippetText.Shorten(text, snippetChars);
        return (snippet, snippet.Length != text.Length);
    }
}

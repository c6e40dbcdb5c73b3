using McpRag.Retrieval.Search;

namespace McpRag.McpServer.Tools;

/// <summary>
/// A window into a document's text for <c>fetch</c>: agents break on results of more than about 25k tokens, so a
/// document comes in windows of at most <see cref="MaxMaxChars"/> characters that never cut a surrogate pair (a
/// one-character window over a pair holds the pair).
/// </summary>
internal sealed record TextWindow(int MaxChars, int Offset)
{
    /// <summary>About 5k tokens of English: a useful read that leaves most of a context window free.</summary>
    public const int DefaultMaxChars = 20_000;

    public const int MaxMaxChars = 100_000;

    public static TextWindow Of(int maxChars, int offset) =>
        maxChars is < 1 or > MaxMaxChars ? throw RetrievalException.Invalid($"max_chars must be between 1 and {MaxMaxChars}")
        : offset < 0 ? throw RetrievalException.Invalid("offset must not be negative")
        : new TextWindow(maxChars, offset);

    /// <summary>The window's text and where the next window starts (<c>null</c> at the end).</summary>
    public (string Text, int? Next) Cut(string text)
    {
        if (Offset > text.Length)
        {
            throw RetrievalException.Invalid($"offset is past the end of the document ({text.Length} characters)");
        }

        var end = Math.Min(text.Length, Offset + MaxChars);
        if (end < text.Length && char.IsHighSurrogate(text[end - 1]))
        {
            // Keep the pair together: end before it, or take it whole when it is all the window holds.
            end += end - 1 > Offset ? -1 : 1;
        }

        return (text[Offset..end], end < text.Length ? end : null);
    }
}

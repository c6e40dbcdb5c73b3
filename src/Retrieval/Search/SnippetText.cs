namespace McpRag.Retrieval.Search;

/// <summary>
/// The snippet of a hit for which the engine highlighted no fragment: the start of the text, cut at a word boundary,
/// so every backend shows the same shape of snippet; and whether a snippet shows less than its passage, which every
/// hit states so an agent knows when to <c>fetch</c>.
/// </summary>
public static class SnippetText
{
    /// <summary>Characters in a snippet (and in a highlighted fragment) when the caller asks for no other length.</summary>
    public const int Length = 240;

    /// <summary>Bounds of the <c>snippet_chars</c> a caller may ask for.</summary>
    public const int MinLength = 40;

    public const int MaxLength = 2_000;

    /// <summary>The start of <paramref name="text"/> in about <paramref name="length"/> characters, cut at a word boundary.</summary>
    public static string Shorten(string text, int length = Length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', length);
        return text[..(cut > length / 2 ? cut : length)] + " …";
    }

    /// <summary>Whether <paramref name="snippet"/> (without its highlight <paramref name="marker"/>s) shows less than <paramref name="text"/>.</summary>
    public static bool IsCut(string snippet, string text, string marker = "**") =>
        (marker.Length == 0 ? snippet : snippet.Replace(marker, string.Empty, StringComparison.Ordinal)).Trim().Length < text.Trim().Length;
}

namespace McpRag.Retrieval.Search;

/// <summary>
/// The snippet of a hit for which the engine highlighted no fragment: the start of the text, cut at a word boundary,
/// so every backend shows the same shape of snippet.
/// </summary>
public static class SnippetText
{
    /// <summary>Characters in a snippet (and in a highlighted fragment).</summary>
    public const int Length = 240;

    public static string Shorten(string text)
    {
        if (text.Length <= Length)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', Length);
        return text[..(cut > Length / 2 ? cut : Length)] + " …";
    }
}

using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tests;

public sealed class SnippetTextTests
{
    private const string Text = "Refunds are paid within fourteen days of the return, to the card the order was paid with.";

    [Fact]
    public void Shorten_LengthBelowTheText_CutsAtAWordBoundaryAndMarksTheCut()
    {
        var snippet = SnippetText.Shorten(Text, 40);

        Assert.Equal("Refunds are paid within fourteen days of …", snippet);
        Assert.True(SnippetText.IsCut(snippet, Text));
    }

    [Fact]
    public void Shorten_LengthAboveTheText_KeepsItWhole()
    {
        Assert.Equal(Text, SnippetText.Shorten(Text, 2_000));
        Assert.False(SnippetText.IsCut(Text, Text));
    }

    [Fact]
    public void IsCut_HighlightedWholeText_IsNotCut()
    {
        Assert.False(SnippetText.IsCut("**Refunds** are paid within fourteen days of the return, to the card the order was paid with.", Text));
        Assert.True(SnippetText.IsCut("**Refunds** are paid within fourteen days", Text));
    }
}

using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests;

/// <summary>Snippets of the local backend, placed from the offsets stored in the passage postings.</summary>
public sealed class LocalSnippetsTests : IDisposable
{
    private static readonly string Filler = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"filler{i}"));
    private readonly string _dataDir = TestData.NewFolder();
    private readonly LocalIndexBackend _backend;

    public LocalSnippetsTests()
    {
        var options = new LocalBackendOptions { ReopenInterval = TimeSpan.Zero };
        _backend = new LocalIndexBackend(Options.Create(new StorageOptions { DataDir = _dataDir }), Options.Create(options), TestData.Embeddings);
    }

    [Fact]
    public async Task SearchAsync_WordsFarIntoALongPassage_SnippetIsTheWindowAroundThemMarked()
    {
        var text = $"{Filler} Refunds are paid to the card the order was paid with. {Filler}";

        var hit = await SearchOneAsync(text, "refund card", snippetChars: 80);

        Assert.Contains("**Refunds**", hit.Snippet, StringComparison.Ordinal);
        Assert.Contains("**card**", hit.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("filler0 ", hit.Snippet, StringComparison.Ordinal);
        Assert.InRange(Unmarked(hit.Snippet).Length, 40, 80);
        Assert.Contains(Unmarked(hit.Snippet), text, StringComparison.Ordinal);
        Assert.True(hit.SnippetTruncated);
    }

    [Fact]
    public async Task SearchAsync_ClusterOfDistinctWordsAfterALoneOne_SnippetShowsTheCluster()
    {
        var text = $"A refund first. {Filler} Then the refund goes back to the card within fourteen days. {Filler}";

        var hit = await SearchOneAsync(text, "refund card fourteen days", snippetChars: 80);

        Assert.Contains("**card**", hit.Snippet, StringComparison.Ordinal);
        Assert.Contains("**fourteen**", hit.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("first", hit.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchAsync_PassageShorterThanTheSnippet_WholeTextMarkedNotTruncated()
    {
        const string text = "Refunds are paid within fourteen days.";

        var hit = await SearchOneAsync(text, "refunds", snippetChars: 240);

        Assert.Equal("**Refunds** are paid within fourteen days.", hit.Snippet);
        Assert.False(hit.SnippetTruncated);
    }

    [Fact]
    public async Task SearchAsync_QueryWordOnlyInTheTitle_SnippetIsThePassageStart()
    {
        var text = $"Payments go back to the original method. {Filler}";

        var hit = await SearchOneAsync(text, "policy", snippetChars: 60, title: "Refund policy");

        Assert.StartsWith("Payments go back to the original method.", hit.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("**", hit.Snippet, StringComparison.Ordinal);
        Assert.True(hit.SnippetTruncated);
    }

    private async Task<SearchHit> SearchOneAsync(string text, string query, int snippetChars, string title = "Refunds")
    {
        var ct = TestContext.Current.CancellationToken;
        var route = new TenantRoute("tenant-a", LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = "snippets" };
        var caller = TenantPrincipal.Operator("tenant-a");
        await _backend.UpsertAsync(route, caller, [new RetrievalDocument("doc", title, text)], null, ct);

        var page = await _backend.SearchAsync(route, caller, new SearchQuery(query, 5, SearchMode.Keyword, RetrievalDocument.EmptyAttributes) { SnippetChars = snippetChars }, ct);
        return Assert.Single(page.Hits);
    }

    private static string Unmarked(string snippet) => snippet.Replace("**", string.Empty, StringComparison.Ordinal);

    public void Dispose()
    {
        _backend.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}

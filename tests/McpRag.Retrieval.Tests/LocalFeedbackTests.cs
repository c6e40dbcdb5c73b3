using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests;

/// <summary>RM3 pseudo-relevance feedback (<see cref="LocalFeedback"/>): the query gains the words its top documents share.</summary>
public sealed class LocalFeedbackTests : IDisposable
{
    private readonly string _dataDir = TestData.NewFolder();

    [Theory]
    [InlineData(0, false)]
    [InlineData(3, true)]
    public async Task Search_WordOnlyInTopDocuments_FindsDocumentWithoutQueryWordWhenFeedbackOn(int feedbackDocuments, bool found)
    {
        var ct = TestContext.Current.CancellationToken;
        using var backend = new LocalIndexBackend(
            Options.Create(new StorageOptions { DataDir = _dataDir }),
            Options.Create(new LocalBackendOptions { FeedbackDocuments = feedbackDocuments, FeedbackTerms = 5, FeedbackQueryWeight = 0.5 }),
            TestData.Embeddings);
        var route = new TenantRoute($"feedback-{feedbackDocuments}", LocalIndexBackend.BackendName, TenantIsolation.Index);
        var caller = TenantPrincipal.Operator(route.TenantId);
        var documents = new List<RetrievalDocument>
        {
            new("flutter-1", "Wing flutter", "Flutter of a swept wing: aeroelastic divergence measured in the tunnel."),
            new("flutter-2", "Panel flutter", "Panel flutter at supersonic speed, an aeroelastic instability of thin plates."),
            new("aeroelastic", "Tail loads", "Aeroelastic divergence of a tail surface under gust loads."),
        };
        documents.AddRange(Enumerable.Range(0, 30).Select(i => new RetrievalDocument($"filler-{i}", $"Note {i}", $"Boundary layer transition on a cone, note {i}.")));
        await backend.UpsertAsync(route, caller, documents, null, ct);

        var page = await backend.SearchAsync(route, caller, new SearchQuery("flutter", 10, SearchMode.Keyword, new Dictionary<string, IReadOnlyList<string>>()), ct);

        Assert.Equal(["flutter-1", "flutter-2"], page.Hits.Take(2).Select(h => h.Id).Order(StringComparer.Ordinal));
        Assert.Equal(found, page.Hits.Any(h => h.Id == "aeroelastic"));
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}

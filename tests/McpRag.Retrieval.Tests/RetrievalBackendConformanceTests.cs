using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests;

/// <summary>
/// One body of behaviour every backend that stores data must show, after the vector-data conformance suites:
/// a backend subclass supplies the backend and two routes, and inherits every test. The second tenant always holds
/// documents that collide with the first tenant's (same ids, same titles, different text), so a leak cannot hide.
/// </summary>
public abstract class RetrievalBackendConformanceTests
{
    protected abstract IRetrievalBackend Backend { get; }

    protected abstract TenantRoute RouteOf(string tenantId);

    protected static TenantPrincipal Caller(string tenantId) => TenantPrincipal.Operator(tenantId);

    private static readonly RetrievalDocument[] TenantOneDocuments =
    [
        Doc("refund-policy", "Refund policy", "Returns are accepted within 45 days of delivery. A prepaid return label is free. Final-sale items cannot be returned.", "policy"),
        Doc("esim-setup", "Activating an eSIM", "Scan the QR code in Settings, then Cellular, then Add eSIM. Activation takes up to ten minutes.", "faq"),
        Doc("outage-map", "Checking network outages", "The outage map shows towers under maintenance and estimated restore times by postcode.", "faq"),
    ];

    private static readonly RetrievalDocument[] TenantTwoDocuments =
    [
        Doc("refund-policy", "Refund policy", "Flight cancellations within 24 hours of booking are refunded in full. After that, airline credit vouchers apply.", "policy"),
        Doc("baggage", "Checked baggage allowance", "Economy fares include one checked bag of 23 kilograms. Extra bags cost 60 dollars each way.", "faq"),
    ];

    private static RetrievalDocument Doc(string id, string title, string text, string category) =>
        new(id, title, text) { Url = $"https://kb.example/{id}", Attributes = new Dictionary<string, IReadOnlyList<string>> { ["category"] = [category] } };

    private async Task SeedAsync()
    {
        await Backend.UpsertAsync(RouteOf("tenant-one"), Caller("tenant-one"), TenantOneDocuments, null, CancellationToken.None);
        await Backend.UpsertAsync(RouteOf("tenant-two"), Caller("tenant-two"), TenantTwoDocuments, null, CancellationToken.None);
    }

    private Task<SearchPage> SearchAsync(string tenant, string text, SearchMode mode, int topK = 10, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null, string? position = null) =>
        Backend.SearchAsync(RouteOf(tenant), Caller(tenant), new SearchQuery(text, topK, mode, filters ?? RetrievalDocument.EmptyAttributes) { Position = position }, CancellationToken.None);

    [Theory]
    [InlineData(SearchMode.Keyword)]
    [InlineData(SearchMode.Semantic)]
    [InlineData(SearchMode.Hybrid)]
    public async Task SearchAsync_MatchingQuery_ReturnsTheTenantsDocumentFirst(SearchMode mode)
    {
        await SeedAsync();

        var page = await SearchAsync("tenant-one", "how do I activate an esim", mode);

        Assert.Equal("esim-setup", page.Hits[0].Id);
        Assert.Equal("Activating an eSIM", page.Hits[0].Title);
        Assert.Equal("https://kb.example/esim-setup", page.Hits[0].Url);
        Assert.Equal(["faq"], page.Hits[0].Attributes["category"]);
    }

    [Theory]
    [InlineData(SearchMode.Keyword)]
    [InlineData(SearchMode.Semantic)]
    [InlineData(SearchMode.Hybrid)]
    public async Task SearchAsync_TextCopiedFromOtherTenant_NeverReturnsOtherTenantsText(SearchMode mode)
    {
        await SeedAsync();

        var page = await SearchAsync("tenant-one", TenantTwoDocuments[0].Text, mode);

        Assert.NotEmpty(page.Hits);
        Assert.All(page.Hits, h => Assert.Contains(h.Id, TenantOneDocuments.Select(d => d.Id)));
        var refund = Assert.Single(page.Hits, h => h.Id == "refund-policy");
        Assert.DoesNotContain("voucher", refund.Snippet, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("baggage", string.Join(' ', page.Hits.Select(h => h.Id + h.Title + h.Snippet)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetAsync_SameIdInBothTenants_ReturnsEachTenantItsOwnText()
    {
        await SeedAsync();

        var one = await Backend.GetAsync(RouteOf("tenant-one"), Caller("tenant-one"), "refund-policy", CancellationToken.None);
        var two = await Backend.GetAsync(RouteOf("tenant-two"), Caller("tenant-two"), "refund-policy", CancellationToken.None);

        Assert.Equal(TenantOneDocuments[0].Text, one!.Text);
        Assert.Equal(TenantTwoDocuments[0].Text, two!.Text);
    }

    [Fact]
    public async Task GetAsync_OtherTenantsId_ReturnsNullLikeAMissingId()
    {
        await SeedAsync();

        Assert.Null(await Backend.GetAsync(RouteOf("tenant-one"), Caller("tenant-one"), "baggage", CancellationToken.None));
        Assert.Null(await Backend.GetAsync(RouteOf("tenant-one"), Caller("tenant-one"), "no-such-document", CancellationToken.None));
    }

    [Fact]
    public async Task UpsertAsync_SameIdAgain_ReplacesTheDocument()
    {
        await SeedAsync();
        var changed = TenantOneDocuments[1] with { Text = "eSIM activation now happens in the Northwind app under Lines, then Add line." };

        await Backend.UpsertAsync(RouteOf("tenant-one"), Caller("tenant-one"), [changed], null, CancellationToken.None);

        var stored = await Backend.GetAsync(RouteOf("tenant-one"), Caller("tenant-one"), "esim-setup", CancellationToken.None);
        Assert.Equal(changed.Text, stored!.Text);
        var page = await SearchAsync("tenant-one", "esim", SearchMode.Keyword);
        Assert.Single(page.Hits, h => h.Id == "esim-setup");
    }

    [Fact]
    public async Task UpsertAsync_UnchangedDocument_WritesNoChunks()
    {
        await SeedAsync();

        var written = await Backend.UpsertAsync(RouteOf("tenant-one"), Caller("tenant-one"), TenantOneDocuments, null, CancellationToken.None);

        Assert.Equal(0, written);
    }

    [Fact]
    public async Task DeleteAsync_OwnDocument_RemovesItAndLeavesOtherTenantsTwin()
    {
        await SeedAsync();

        Assert.True(await Backend.DeleteAsync(RouteOf("tenant-one"), Caller("tenant-one"), "refund-policy", CancellationToken.None));

        Assert.Null(await Backend.GetAsync(RouteOf("tenant-one"), Caller("tenant-one"), "refund-policy", CancellationToken.None));
        Assert.NotNull(await Backend.GetAsync(RouteOf("tenant-two"), Caller("tenant-two"), "refund-policy", CancellationToken.None));
        Assert.DoesNotContain((await SearchAsync("tenant-one", "refund returns", SearchMode.Hybrid)).Hits, h => h.Id == "refund-policy");
    }

    [Fact]
    public async Task DeleteAsync_OtherTenantsId_ReturnsFalseAndDeletesNothing()
    {
        await SeedAsync();

        Assert.False(await Backend.DeleteAsync(RouteOf("tenant-one"), Caller("tenant-one"), "baggage", CancellationToken.None));

        Assert.NotNull(await Backend.GetAsync(RouteOf("tenant-two"), Caller("tenant-two"), "baggage", CancellationToken.None));
    }

    [Fact]
    public async Task SearchAsync_WithFilter_ReturnsOnlyMatchingDocuments()
    {
        await SeedAsync();
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["category"] = ["policy"] };

        var page = await SearchAsync("tenant-one", "esim outage refund", SearchMode.Hybrid, filters: filters);

        Assert.Equal(["refund-policy"], page.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task SearchAsync_NextPosition_ReturnsTheFollowingPageWithoutRepeats()
    {
        await SeedAsync();

        var first = await SearchAsync("tenant-one", "esim outage refund returns network", SearchMode.Hybrid, topK: 2);
        var second = await SearchAsync("tenant-one", "esim outage refund returns network", SearchMode.Hybrid, topK: 2, position: first.NextPosition);

        Assert.Equal(2, first.Hits.Count);
        Assert.NotNull(first.NextPosition);
        Assert.Single(second.Hits);
        Assert.Null(second.NextPosition);
        Assert.Equal(3, first.Hits.Concat(second.Hits).Select(h => h.Id).Distinct().Count());
    }

    [Fact]
    public async Task SearchAsync_TenantWithoutData_ReturnsNoHits()
    {
        var page = await SearchAsync("tenant-empty", "refund", SearchMode.Hybrid);

        Assert.Empty(page.Hits);
        Assert.Null(page.NextPosition);
    }
}

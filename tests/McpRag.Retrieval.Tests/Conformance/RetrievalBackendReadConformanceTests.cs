using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.Conformance;

/// <summary>
/// The read half of the backend conformance suite (search and fetch over the seeded tenants), after the vector-data
/// conformance suites: a backend supplies a <see cref="ConformanceBackend"/> fixture and a one-line subclass, and
/// inherits every test. Read-only backends (Q index) run this half; backends that store data run
/// <see cref="RetrievalBackendConformanceTests{TBackend}"/>, which adds the writes.
/// </summary>
public abstract class RetrievalBackendReadConformanceTests<TBackend>(TBackend fixture) : IClassFixture<TBackend>
    where TBackend : ConformanceBackend
{
    protected const string TenantOne = ConformanceBackend.TenantOne;
    protected const string TenantTwo = ConformanceBackend.TenantTwo;

    protected TBackend Fixture => fixture.Unavailable is { } reason ? throw SkipBecause(reason) : fixture;

    protected IRetrievalBackend Backend => Fixture.Backend;

    protected static RetrievalDocument[] TenantOneDocuments => ConformanceBackend.TenantOneDocuments;

    protected static RetrievalDocument[] TenantTwoDocuments => ConformanceBackend.TenantTwoDocuments;

    protected TenantRoute RouteOf(string tenantId) => Fixture.RouteOf(tenantId);

    protected TenantPrincipal Caller(string tenantId) => Fixture.Caller(tenantId);

    protected Task<SearchPage> SearchAsync(string tenant, string text, SearchMode mode, int topK = 10, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null, string? position = null) =>
        Backend.SearchAsync(RouteOf(tenant), Caller(tenant), new SearchQuery(text, topK, mode, filters ?? RetrievalDocument.EmptyAttributes) { Position = position }, TestContext.Current.CancellationToken);

    protected Task<RetrievalDocument?> GetAsync(string tenant, string id) =>
        Backend.GetAsync(RouteOf(tenant), Caller(tenant), id, TestContext.Current.CancellationToken);

    /// <summary>The mode for cases about something other than ranking: hybrid, the default, unless the backend refuses it.</summary>
    protected SearchMode AnyMode => Fixture.UnsupportedModes.ContainsKey(SearchMode.Hybrid)
        ? Enum.GetValues<SearchMode>().First(m => !Fixture.UnsupportedModes.ContainsKey(m))
        : SearchMode.Hybrid;

    /// <summary>Skips a mode case, with the backend's stated reason, when the backend refuses that mode by design.</summary>
    protected void RequireMode(SearchMode mode)
    {
        if (Fixture.UnsupportedModes.TryGetValue(mode, out var reason))
        {
            throw SkipBecause(reason);
        }
    }

    /// <summary>Where fetch answers only what a search showed the caller, shows it first (the agent's own flow).</summary>
    protected async Task ShowBeforeFetchAsync(string tenant, string query)
    {
        if (Fixture.FetchNeedsSearchFirst is not null)
        {
            await SearchAsync(tenant, query, AnyMode);
        }
    }

    private static Exception SkipBecause(string reason)
    {
        Assert.Skip(reason);
        return new InvalidOperationException(reason);
    }

    [Theory]
    [InlineData(SearchMode.Keyword)]
    [InlineData(SearchMode.Semantic)]
    [InlineData(SearchMode.Hybrid)]
    public async Task SearchAsync_MatchingQuery_ReturnsTheTenantsDocumentFirst(SearchMode mode)
    {
        RequireMode(mode);

        var page = await SearchAsync(TenantOne, "how do I activate an esim", mode);

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
        RequireMode(mode);

        var page = await SearchAsync(TenantOne, TenantTwoDocuments[0].Text, mode);

        Assert.NotEmpty(page.Hits);
        Assert.All(page.Hits, h => Assert.Contains(h.Id, TenantOneDocuments.Select(d => d.Id)));
        var refund = Assert.Single(page.Hits, h => h.Id == "refund-policy");
        Assert.DoesNotContain("voucher", refund.Snippet, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("baggage", string.Join(' ', page.Hits.Select(h => h.Id + h.Title + h.Snippet)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SearchAsync_ModeTheBackendDeclaresUnsupported_IsRefusedAsInvalidArgument()
    {
        foreach (var mode in Fixture.UnsupportedModes.Keys)
        {
            var refused = await Assert.ThrowsAsync<RetrievalException>(() => SearchAsync(TenantOne, "refund", mode));

            Assert.Equal(RetrievalErrorCode.InvalidArgument, refused.Code);
        }
    }

    [Fact]
    public async Task GetAsync_SameIdInBothTenants_ReturnsEachTenantItsOwnText()
    {
        await ShowBeforeFetchAsync(TenantOne, "refund returns");
        await ShowBeforeFetchAsync(TenantTwo, "refund flight cancellations");

        var one = await GetAsync(TenantOne, "refund-policy");
        var two = await GetAsync(TenantTwo, "refund-policy");

        Assert.Equal(TenantOneDocuments[0].Text, one!.Text);
        Assert.Equal(TenantTwoDocuments[0].Text, two!.Text);
    }

    [Fact]
    public async Task GetAsync_OtherTenantsId_ReturnsNullLikeAMissingId()
    {
        await ShowBeforeFetchAsync(TenantOne, "checked baggage allowance");

        Assert.Null(await GetAsync(TenantOne, "baggage"));
        Assert.Null(await GetAsync(TenantOne, "no-such-document"));
    }

    [Fact]
    public async Task SearchAsync_WithFilter_ReturnsOnlyMatchingDocuments()
    {
        var filters = new Dictionary<string, IReadOnlyList<string>> { ["category"] = ["policy"] };

        var page = await SearchAsync(TenantOne, "esim outage refund", AnyMode, filters: filters);

        Assert.Equal(["refund-policy"], page.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task SearchAsync_NotFilter_ExcludesOnlyWithinTheCallersTenant()
    {
        // The neighbour's 'baggage' is not a policy either: a negation that escaped the tenant clause would find it.
        var query = new SearchQuery("esim outage refund checked baggage allowance", 10, AnyMode, RetrievalDocument.EmptyAttributes)
        {
            Filter = new FilterNot(new FilterEquals("category", AttributeType.Keyword, ["policy"])),
        };

        var page = await Backend.SearchAsync(RouteOf(TenantOne), Caller(TenantOne), query, TestContext.Current.CancellationToken);

        Assert.NotEmpty(page.Hits);
        Assert.All(page.Hits, h => Assert.Contains(h.Id, new[] { "esim-setup", "outage-map" }));
    }

    [Fact]
    public async Task SearchAsync_NestedAndOrNot_MatchesTheExpressionsDocuments()
    {
        var policy = new FilterEquals("category", AttributeType.Keyword, ["policy"]);
        var faq = new FilterEquals("category", AttributeType.Keyword, ["faq"]);
        var query = new SearchQuery("esim outage refund", 10, AnyMode, RetrievalDocument.EmptyAttributes)
        {
            Filter = new FilterGroup(FilterJoin.All, [new FilterGroup(FilterJoin.Any, [policy, faq]), new FilterNot(faq)]),
        };

        var page = await Backend.SearchAsync(RouteOf(TenantOne), Caller(TenantOne), query, TestContext.Current.CancellationToken);

        Assert.Equal(["refund-policy"], page.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task SearchAsync_NextPosition_ReturnsTheFollowingPageWithoutRepeats()
    {
        var first = await SearchAsync(TenantOne, "esim outage refund returns network", AnyMode, topK: 2);
        var second = await SearchAsync(TenantOne, "esim outage refund returns network", AnyMode, topK: 2, position: first.NextPosition);

        Assert.Equal(2, first.Hits.Count);
        Assert.NotNull(first.NextPosition);
        Assert.Single(second.Hits);
        Assert.Null(second.NextPosition);
        Assert.Equal(3, first.Hits.Concat(second.Hits).Select(h => h.Id).Distinct().Count());
    }

    [Fact]
    public async Task SearchAsync_TenantWithoutData_ReturnsNoHits()
    {
        var page = await SearchAsync("tenant-empty", "refund", AnyMode);

        Assert.Empty(page.Hits);
        Assert.Null(page.NextPosition);
    }
}

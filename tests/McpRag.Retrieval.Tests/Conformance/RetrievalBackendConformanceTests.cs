using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Tests.Conformance;

/// <summary>
/// The whole backend conformance suite for backends that store data: the read half plus upserts and deletes. Each
/// write case works on tenants of its own (named after the case), so the seeded tenants stay as seeded and the
/// cases pass in any order.
/// </summary>
public abstract class RetrievalBackendConformanceTests<TBackend>(TBackend fixture) : RetrievalBackendReadConformanceTests<TBackend>(fixture)
    where TBackend : ConformanceBackend
{
    private Task<int> UpsertAsync(string tenant, params RetrievalDocument[] documents) =>
        Backend.UpsertAsync(RouteOf(tenant), Caller(tenant), documents, null, TestContext.Current.CancellationToken);

    private Task<bool> DeleteAsync(string tenant, string id) =>
        Backend.DeleteAsync(RouteOf(tenant), Caller(tenant), id, TestContext.Current.CancellationToken);

    [Fact]
    public async Task UpsertAsync_SameIdAgain_ReplacesTheDocument()
    {
        const string tenant = "writes-replace";
        await UpsertAsync(tenant, TenantOneDocuments);
        var changed = TenantOneDocuments[1] with { Text = "eSIM activation now happens in the Northwind app under Lines, then Add line." };

        await UpsertAsync(tenant, changed);

        var stored = await GetAsync(tenant, "esim-setup");
        Assert.Equal(changed.Text, stored!.Text);
        var page = await SearchAsync(tenant, "esim", SearchMode.Keyword);
        Assert.Single(page.Hits, h => h.Id == "esim-setup");
    }

    [Fact]
    public async Task UpsertAsync_UnchangedDocument_WritesNoChunks()
    {
        // The seeded tenant, written again with exactly what it holds: a passing case changes nothing.
        var written = await UpsertAsync(TenantOne, TenantOneDocuments);

        Assert.Equal(0, written);
    }

    [Fact]
    public async Task SearchAsync_NumberAndDateRanges_MatchTheDocumentsInsideTheBounds()
    {
        const string tenant = "writes-ranges";
        RetrievalDocument Dated(string id, string year, string published) =>
            new(id, $"Fare rules {id}", $"Fare rules {id}: refunds and changes for tickets sold in {year}.")
            {
                Attributes = new Dictionary<string, IReadOnlyList<string>> { ["year"] = [year], ["published"] = [published] },
            };
        await UpsertAsync(tenant, Dated("fares-2019", "2019", "2019-06-30"), Dated("fares-2021", "2021", "2021-03-01T08:00:00Z"), Dated("fares-2024", "2024", "2024-01-15"));

        async Task<IEnumerable<string>> IdsAsync(SearchFilter filter) =>
            (await Backend.SearchAsync(RouteOf(tenant), Caller(tenant), new SearchQuery("fare rules refunds", 10, AnyMode, RetrievalDocument.EmptyAttributes) { Filter = filter }, TestContext.Current.CancellationToken))
                .Hits.Select(h => h.Id).Order(StringComparer.Ordinal);

        Assert.Equal(["fares-2021"], await IdsAsync(new FilterRange("year", AttributeType.Number) { GreaterThanOrEqual = "2020", LessThan = "2024" }));
        Assert.Equal(["fares-2021", "fares-2024"], await IdsAsync(new FilterRange("year", AttributeType.Number) { GreaterThan = "2019" }));
        Assert.Equal(["fares-2019", "fares-2021"], await IdsAsync(new FilterRange("published", AttributeType.Date) { LessThanOrEqual = "2021-03-01T08:00:00Z" }));
        Assert.Equal(["fares-2024"], await IdsAsync(new FilterRange("published", AttributeType.Date) { GreaterThan = "2021-03-01T08:00:00Z" }));
    }

    [Fact]
    public async Task DeleteAsync_OwnDocument_RemovesItAndLeavesOtherTenantsTwin()
    {
        const string owner = "writes-delete-own";
        const string twin = "writes-delete-twin";
        await UpsertAsync(owner, TenantOneDocuments);
        await UpsertAsync(twin, TenantTwoDocuments);

        Assert.True(await DeleteAsync(owner, "refund-policy"));

        Assert.Null(await GetAsync(owner, "refund-policy"));
        Assert.NotNull(await GetAsync(twin, "refund-policy"));
        Assert.DoesNotContain((await SearchAsync(owner, "refund returns", SearchMode.Hybrid)).Hits, h => h.Id == "refund-policy");
    }

    [Fact]
    public async Task DeleteAsync_OtherTenantsId_ReturnsFalseAndDeletesNothing()
    {
        const string caller = "writes-delete-caller";
        const string owner = "writes-delete-owner";
        await UpsertAsync(caller, TenantOneDocuments[0]);
        await UpsertAsync(owner, TenantTwoDocuments[1]);

        Assert.False(await DeleteAsync(caller, "baggage"));

        Assert.NotNull(await GetAsync(owner, "baggage"));
    }
}

using McpRag.Retrieval.Search;

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

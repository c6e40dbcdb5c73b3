using System.Security.Cryptography;
using System.Text;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using McpRag.Retrieval.Tests.Conformance;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// The Q index backend as the server registers it, against the loopback AWS fakes (STS, IAM Identity Center OIDC,
/// Q Business) and a <see cref="FakeQIndex"/> holding the seeded documents. Each tenant is its own customer: its own
/// application and retriever. Only the read half of the suite applies: the backend is read-only (the customer's
/// data sources feed the index), so seeding loads the fake index instead of upserting.
/// </summary>
public sealed class QIndexConformanceBackend : ConformanceBackend
{
    private readonly FakeQIndex _index = new();
    private QIndexTestHost? _host;

    private QIndexTestHost Host => _host ?? throw new InvalidOperationException("the backend is not started");

    public override IRetrievalBackend Backend => Host.Backend;

    public override IReadOnlyDictionary<SearchMode, string> UnsupportedModes { get; } = new Dictionary<SearchMode, string>
    {
        [SearchMode.Keyword] = "Amazon Q index ranks results itself: the qindex backend serves hybrid only and refuses keyword",
        [SearchMode.Semantic] = "Amazon Q index ranks results itself: the qindex backend serves hybrid only and refuses semantic",
    };

    public override string? FetchNeedsSearchFirst => "Amazon Q index has no get-by-id: fetch answers the passages a recent search showed the same caller";

    /// <summary>Requests the backend sent that do not match the Q Business model (none expected).</summary>
    internal IReadOnlyCollection<string> Violations => _index.Violations;

    public override TenantRoute RouteOf(string tenantId)
    {
        var json = $$"""
            {"tenants": {"{{tenantId}}": {
              "backend": "qindex", "region": "{{QIndexTestHost.Region}}", "idcRegion": "{{QIndexTestHost.IdcRegion}}",
              "applicationId": "{{ResourceId(tenantId, "application")}}", "retrieverId": "{{ResourceId(tenantId, "retriever")}}",
              "dataAccessorRoleArn": "{{QIndexTestHost.RoleArn}}", "idcApplicationArn": "{{QIndexTestHost.IdcApplicationArn}}"
            } } }
            """;
        return TenantTable.Parse(json, Host.Backend.ValidateRoute)[tenantId];
    }

    public override TenantPrincipal Caller(string tenantId) => QIndexTestHost.Caller("user-of-" + tenantId, tenantId);

    protected override async ValueTask StartAsync()
    {
        _host = await QIndexTestHost.StartAsync();
        _host.Fakes.QBusiness = _index.Answer;
    }

    protected override Task SeedAsync(string tenantId, IReadOnlyList<RetrievalDocument> documents)
    {
        _index.Load(ResourceId(tenantId, "retriever"), documents);
        return Task.CompletedTask;
    }

    /// <summary>A Q Business resource id (36 characters, GUID-shaped) of this tenant's customer account.</summary>
    private static string ResourceId(string tenantId, string kind) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(kind + "/" + tenantId)).AsSpan(0, 16)).ToString("D");

    public override async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>
/// The read half of the conformance suite against the Q index backend. The write half does not apply: upserts and
/// deletes are refused as read-only by design (<see cref="QIndexBackend"/>), which
/// <see cref="UpsertAsync_ReadOnlyBackend_IsRefusedAsForbidden"/> checks instead.
/// </summary>
public sealed class QIndexConformanceTests(QIndexConformanceBackend backend) : RetrievalBackendReadConformanceTests<QIndexConformanceBackend>(backend)
{
    [Fact]
    public async Task UpsertAsync_ReadOnlyBackend_IsRefusedAsForbidden()
    {
        var upsert = await Assert.ThrowsAsync<RetrievalException>(() =>
            Backend.UpsertAsync(RouteOf(TenantOne), Caller(TenantOne), TenantOneDocuments, null, TestContext.Current.CancellationToken));
        var delete = await Assert.ThrowsAsync<RetrievalException>(() =>
            Backend.DeleteAsync(RouteOf(TenantOne), Caller(TenantOne), "refund-policy", TestContext.Current.CancellationToken));

        Assert.Equal(RetrievalErrorCode.Forbidden, upsert.Code);
        Assert.Equal(RetrievalErrorCode.Forbidden, delete.Code);
    }

    [Fact]
    public async Task SearchAsync_EveryRequest_MatchesTheQBusinessModel()
    {
        await SearchAsync(TenantOne, "esim outage refund", SearchMode.Hybrid, filters: new Dictionary<string, IReadOnlyList<string>> { ["category"] = ["policy", "faq"] });

        Assert.Empty(Fixture.Violations);
    }
}

using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.Sources;

/// <summary>
/// A route of two sources over known ranked lists: the fused order, source-qualified ids, dedupe by url, one position
/// paging across both, a failing, slow or filter-refusing source, the caller's tenant on every source, and fetch and
/// writes routed by source.
/// </summary>
public sealed class SourcesBackendTests
{
    private readonly ListBackend _docs = new("fake-a");
    private readonly ListBackend _q = new("fake-b");
    private readonly BackendRegistry _registry;

    public SourcesBackendTests()
    {
        _registry = new BackendRegistry([_docs, _q]);
        _docs.Load("t", ListBackend.Documents("a", 7));
        _q.Load("t", ListBackend.Documents("b", 3));
    }

    private TenantRoute Route(string qSettings = "") => TenantTable.Parse("""
        {"tenants": {"t": {"sources": [
          {"name": "docs", "backend": "fake-a", "isolation": "index", "index": "kb"},
          {"name": "q", "backend": "fake-b"
        """ + qSettings + "}]}}}", _registry.ValidateRoute)["t"];

    private static TenantPrincipal Caller(string tenant = "t") => new(tenant, "user", new HashSet<string> { TenantPrincipal.ReadScope }, DateTimeOffset.MaxValue);

    private static SearchQuery Query(int topK = 4, string? position = null) =>
        new("anything", topK, SearchMode.Hybrid, RetrievalDocument.EmptyAttributes) { Position = position };

    private Task<SearchPage> SearchAsync(TenantRoute route, SearchQuery query, string tenant = "t") =>
        _registry.Get(route).SearchAsync(route, Caller(tenant), query, TestContext.Current.CancellationToken);

    [Fact]
    public async Task SearchAsync_TwoSources_TakesTurnsByRankWithSourceQualifiedIds()
    {
        var page = await SearchAsync(Route(), Query(5));

        Assert.Equal(["docs:a0", "q:b0", "docs:a1", "q:b1", "docs:a2"], page.Hits.Select(h => h.Id));
        Assert.Equal(["docs", "q", "docs", "q", "docs"], page.Hits.Select(h => h.Source));
        Assert.Equal(1.0 / 61, page.Hits[0].Score);
        Assert.Equal(page.Hits[0].Score, page.Hits[1].Score);
        Assert.True(page.Hits[1].Score > page.Hits[2].Score);
        Assert.Empty(page.Warnings);
        Assert.Equal([("docs", "fake-a", SourceReport.Ok, 3), ("q", "fake-b", SourceReport.Ok, 2)], page.Sources!.Select(s => (s.Name, s.Backend, s.Outcome, s.Hits)));
    }

    [Fact]
    public async Task SearchAsync_SameUrlInBothSources_KeepsOnlyTheBetterRankedCopy()
    {
        _docs.Load("t", ListBackend.Documents("a", 3, i => i == 1 ? "https://kb.example/shared" : null));
        _q.Load("t", ListBackend.Documents("b", 3, i => i == 0 ? "https://kb.example/shared" : null));

        var page = await SearchAsync(Route(), Query(10));

        Assert.Equal(["docs:a0", "q:b0", "q:b1", "docs:a2", "q:b2"], page.Hits.Select(h => h.Id));
        Assert.Null(page.NextPosition);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task SearchAsync_PagedWithTheNextPosition_GivesEveryHitOnceInTheFusedOrder(int topK)
    {
        var route = Route();
        var whole = (await SearchAsync(route, Query(50))).Hits.Select(h => h.Id).ToList();

        var paged = new List<string>();
        string? position = null;
        var pages = 0;
        do
        {
            var page = await SearchAsync(route, Query(topK, position));
            Assert.True(page.Hits.Count <= topK);
            paged.AddRange(page.Hits.Select(h => h.Id));
            position = page.NextPosition;
        }
        while (position is not null && ++pages < 50);

        Assert.Equal(10, whole.Count);
        Assert.Equal(whole, paged);
    }

    [Fact]
    public async Task SearchAsync_OneSourceFails_ReturnsTheOthersResultsWithAWarningNamingIt()
    {
        _q.Fault = _ => throw new RetrievalException(RetrievalErrorCode.BackendError, "the Q index answered with an error");

        var page = await SearchAsync(Route(), Query(3));

        Assert.Equal(["docs:a0", "docs:a1", "docs:a2"], page.Hits.Select(h => h.Id));
        Assert.Equal(new SearchWarning("q", "the Q index answered with an error"), Assert.Single(page.Warnings));
        Assert.Equal(SourceReport.Failed, page.Sources!.Single(s => s.Name == "q").Outcome);
    }

    [Fact]
    public async Task SearchAsync_SourceThrowsAnUnexpectedError_WarnsWithoutItsDetails()
    {
        _q.Fault = _ => throw new HttpRequestException("connection refused (qbusiness.internal.example:443)");

        var page = await SearchAsync(Route(), Query(3));

        var warning = Assert.Single(page.Warnings);
        Assert.Equal("the source could not be searched", warning.Reason);
        Assert.Equal(3, page.Hits.Count);
    }

    [Fact]
    public async Task SearchAsync_SourceNeverAnswers_IsAWarningAfterItsTimeout()
    {
        // The source ignores cancellation too: the search must not wait for it.
        _q.Fault = _ => new TaskCompletionSource().Task;

        var page = await SearchAsync(Route(""", "timeoutMs": 100"""), Query(3));

        Assert.Equal(["docs:a0", "docs:a1", "docs:a2"], page.Hits.Select(h => h.Id));
        Assert.Equal(new SearchWarning("q", "no answer within 100 ms"), Assert.Single(page.Warnings));
        Assert.Equal(SourceReport.TimedOut, page.Sources!.Single(s => s.Name == "q").Outcome);
    }

    [Fact]
    public async Task SearchAsync_EverySourceFails_IsBackendUnavailableNamingEach()
    {
        _docs.Fault = _ => throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "index is being rebuilt");
        _q.Fault = _ => throw new RetrievalException(RetrievalErrorCode.Throttled, "Q index throttled the request");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => SearchAsync(Route(), Query()));

        Assert.Equal(RetrievalErrorCode.BackendUnavailable, error.Code);
        Assert.Equal("no source of this tenant answered: docs: index is being rebuilt; q: Q index throttled the request", error.Message);
    }

    [Fact]
    public async Task SearchAsync_SourceCannotExpressTheFilter_IsAWarningWithItsReason()
    {
        _q.Fault = _ => throw RetrievalException.Invalid("filter operator $exists is not supported by the Q index");

        var page = await SearchAsync(Route(), Query(3));

        Assert.Equal(["docs:a0", "docs:a1", "docs:a2"], page.Hits.Select(h => h.Id));
        Assert.Equal(new SearchWarning("q", "filter operator $exists is not supported by the Q index"), Assert.Single(page.Warnings));
    }

    [Fact]
    public async Task SearchAsync_EverySourceRefusesTheSearch_IsInvalidArgumentNamingEach()
    {
        _docs.Fault = _ => throw RetrievalException.Invalid("year must be a number");
        _q.Fault = _ => throw RetrievalException.Invalid("mode 'keyword' does not apply");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => SearchAsync(Route(), Query()));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.Equal("every source of this tenant refused the search: docs: year must be a number; q: mode 'keyword' does not apply", error.Message);
    }

    [Fact]
    public async Task SearchAsync_SourceFailedOnAPage_IsAskedAgainFromWhereItStoodOnTheNext()
    {
        var route = Route();
        _q.Fault = _ => throw new RetrievalException(RetrievalErrorCode.BackendError, "down");
        var first = await SearchAsync(route, Query(2));
        _q.Fault = null;

        var second = await SearchAsync(route, Query(2, first.NextPosition));

        Assert.Equal(["docs:a0", "docs:a1"], first.Hits.Select(h => h.Id));
        // Its first hits rank ahead of the other source's third: it catches up from its own start.
        Assert.Equal(["q:b0", "q:b1"], second.Hits.Select(h => h.Id));
        Assert.Empty(second.Warnings);
    }

    [Fact]
    public async Task SearchAsync_AnotherTenant_GetsOnlyItsOwnHitsFromEverySource()
    {
        _docs.Load("u", ListBackend.Documents("ua", 2));
        _q.Load("u", ListBackend.Documents("ub", 2));
        var route = TenantTable.Parse("""
            {"tenants": {"u": {"sources": [{"name": "docs", "backend": "fake-a"}, {"name": "q", "backend": "fake-b"}]}}}
            """, _registry.ValidateRoute)["u"];

        var page = await SearchAsync(route, Query(10), tenant: "u");

        Assert.Equal(["docs:ua0", "q:ub0", "docs:ua1", "q:ub1"], page.Hits.Select(h => h.Id));
        Assert.All(_docs.Searches.Concat(_q.Searches), s => Assert.Equal("u", s.Tenant));
    }

    [Fact]
    public async Task SearchAsync_PositionOfARouteWithOtherSources_IsRefused()
    {
        var position = (await SearchAsync(Route(), Query(2))).NextPosition;
        var changed = TenantTable.Parse("""
            {"tenants": {"t": {"sources": [{"name": "docs", "backend": "fake-a"}, {"name": "kb", "backend": "fake-b"}]}}}
            """, _registry.ValidateRoute)["t"];

        var error = await Assert.ThrowsAsync<RetrievalException>(() => SearchAsync(changed, Query(2, position)));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public async Task GetAsync_SourceQualifiedId_ReadsFromTheSourceItNames()
    {
        var route = Route();
        var backend = _registry.Get(route);
        var ct = TestContext.Current.CancellationToken;

        var fromQ = await backend.GetAsync(route, Caller(), "q:b1", ct);
        var wrongSource = await backend.GetAsync(route, Caller(), "docs:b1", ct);

        Assert.Equal(("q:b1", "text of b1"), (fromQ!.Id, fromQ.Text));
        Assert.Null(wrongSource);
        foreach (var id in new[] { "b1", "kb:b1", "q:", ":b1" })
        {
            var error = await Assert.ThrowsAsync<RetrievalException>(() => backend.GetAsync(route, Caller(), id, ct));
            Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
            Assert.Contains("(docs, q)", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UpsertAsync_SeveralSources_WritesToTheFirstSourceOnly()
    {
        var route = Route();

        await _registry.Get(route).UpsertAsync(route, Caller(), [new RetrievalDocument("n1", "New", "New text.")], null, TestContext.Current.CancellationToken);

        Assert.Equal([("t", "n1")], _docs.Written.Select(w => (w.Tenant, w.Document.Id)));
        Assert.Empty(_q.Written);
    }

    [Fact]
    public void Encode_EverySourceAtItsLongestPosition_FitsTheLimit()
    {
        var route = TenantTable.Parse("""
            {"tenants": {"t": {"sources": [{"name": "aaaaaaaaaaaaaaaa", "backend": "fake-a"}, {"name": "bbbbbbbbbbbbbbbb", "backend": "fake-b"},
              {"name": "cccccccccccccccc", "backend": "fake-a"}, {"name": "dddddddddddddddd", "backend": "fake-b"}]}}}
            """, _registry.ValidateRoute)["t"];
        var longest = new SourcePosition(new string('Q', SourcePosition.MaxSourcePositionBytes), 50, SearchLimits.MaxResultWindow);

        var encoded = SourcePosition.Encode(route.Sources!, [longest, longest, longest, longest])!;

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(encoded) <= SourcePosition.MaxBytes, encoded.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([longest, longest, longest, longest], SourcePosition.Decode(route.Sources!, encoded));
        var tooLong = longest with { Position = longest.Position + "Q" };
        Assert.Equal(RetrievalErrorCode.BackendError, Assert.Throws<RetrievalException>(() => SourcePosition.Encode(route.Sources!, [tooLong, null, null, null])).Code);
    }
}

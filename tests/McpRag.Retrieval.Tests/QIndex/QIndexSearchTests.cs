using System.Text.Json;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>Mapping between the tools' search model and SearchRelevantContent: results, filters, paging, modes, fetch.</summary>
public sealed class QIndexSearchTests
{
    [Fact]
    public async Task SearchAsync_RelevantContent_MapsToHitsWithDocumentedScores()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.Json("""
            {"relevantContent": [
              {"content": "Install the VPN client, then sign in.", "documentId": "doc-vpn", "documentTitle": "VPN guide",
               "documentUri": "https://wiki.example.com/vpn", "scoreAttributes": {"scoreConfidence": "VERY_HIGH"},
               "documentAttributes": [
                 {"name": "_category", "value": {"stringValue": "it"}},
                 {"name": "tags", "value": {"stringListValue": ["vpn", "remote"]}},
                 {"name": "views", "value": {"longValue": 1234}},
                 {"name": "_last_updated_at", "value": {"dateValue": 1735689600}}]},
              {"content": "A second passage of the same guide.", "documentId": "doc-vpn", "documentTitle": "VPN guide",
               "scoreAttributes": {"scoreConfidence": "HIGH"}},
              {"content": "Remote work policy.", "documentId": "doc-policy", "documentTitle": "Remote work",
               "scoreAttributes": {"scoreConfidence": "MEDIUM"}},
              {"content": "Old note.", "documentId": "doc-old", "scoreAttributes": {"scoreConfidence": "LOW"}},
              {"content": "Unscored.", "documentId": "doc-none", "documentTitle": "None", "scoreAttributes": {"scoreConfidence": "NOT_AVAILABLE"}}
            ]}
            """);

        var page = await host.SearchAsync(QIndexTestHost.Caller("alice"));

        Assert.Equal(["doc-vpn", "doc-policy", "doc-old", "doc-none"], page.Hits.Select(h => h.Id));
        var vpn = page.Hits[0];
        Assert.Equal("VPN guide", vpn.Title);
        Assert.Equal("https://wiki.example.com/vpn", vpn.Url);
        Assert.Equal("Install the VPN client, then sign in.", vpn.Snippet);
        Assert.Equal(1.0, vpn.Score);
        Assert.Equal(["it"], vpn.Attributes["_category"]);
        Assert.Equal(["vpn", "remote"], vpn.Attributes["tags"]);
        Assert.Equal(["1234"], vpn.Attributes["views"]);
        Assert.Equal(["2025-01-01T00:00:00Z"], vpn.Attributes["_last_updated_at"]);
        Assert.Equal([1.0, 0.5, 0.25, 0.0], page.Hits.Select(h => h.Score));
        Assert.Equal("doc-old", page.Hits[2].Title);
        Assert.Null(page.NextPosition);
    }

    [Fact]
    public async Task SearchAsync_Filters_BuildTypedAttributeFilterAndedWithTenantFilter()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var route = host.Route(extra: """
            , "attributeTypes": {"views": "long", "_last_updated_at": "date", "tags": "stringList"},
              "attributeFilter": {"notFilter": {"equalsTo": {"name": "_category", "value": {"stringValue": "hr-confidential"}}}}
            """);
        var filters = new Dictionary<string, IReadOnlyList<string>>
        {
            ["_category"] = ["it"],
            ["product"] = ["vpn", "email"],
            ["views"] = ["42"],
            ["_last_updated_at"] = ["2025-01-01"],
            ["tags"] = ["remote", "onboarding"],
        };

        await host.SearchAsync(QIndexTestHost.Caller("alice"), QIndexTestHost.Query(filters: filters), route);

        var body = host.Fakes.Requests.Single(r => r.Service == "qbusiness").Json;
        QBusinessWire.AssertSearchRelevantContentRequest(body);
        var expected = JsonDocument.Parse("""
            {"andAllFilters": [
              {"notFilter": {"equalsTo": {"name": "_category", "value": {"stringValue": "hr-confidential"}}}},
              {"equalsTo": {"name": "_category", "value": {"stringValue": "it"}}},
              {"equalsTo": {"name": "_last_updated_at", "value": {"dateValue": 1735689600}}},
              {"orAllFilters": [
                {"equalsTo": {"name": "product", "value": {"stringValue": "vpn"}}},
                {"equalsTo": {"name": "product", "value": {"stringValue": "email"}}}]},
              {"containsAny": {"name": "tags", "value": {"stringListValue": ["remote", "onboarding"]}}},
              {"equalsTo": {"name": "views", "value": {"longValue": 42}}}
            ]}
            """).RootElement;
        Assert.True(JsonElement.DeepEquals(expected, body.GetProperty("attributeFilter")), body.GetProperty("attributeFilter").GetRawText());
    }

    [Fact]
    public async Task SearchAsync_OnlyTenantFilter_SendsItAlone()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var route = host.Route(extra: """, "attributeFilter": {"equalsTo": {"name": "_data_source_id", "value": {"stringValue": "wiki"}}} """);

        await host.SearchAsync(QIndexTestHost.Caller("alice"), route: route);

        var filter = host.Fakes.Requests.Single(r => r.Service == "qbusiness").Json.GetProperty("attributeFilter");
        Assert.Equal("wiki", filter.GetProperty("equalsTo").GetProperty("value").GetProperty("stringValue").GetString());
    }

    [Theory]
    [InlineData("views", "many")]
    [InlineData("_last_updated_at", "last tuesday")]
    public async Task SearchAsync_FilterValueOfWrongType_IsInvalidArgumentBeforeAnyCall(string name, string value)
    {
        await using var host = await QIndexTestHost.StartAsync();
        var route = host.Route(extra: """, "attributeTypes": {"views": "long", "_last_updated_at": "date"} """);
        var query = QIndexTestHost.Query(filters: new Dictionary<string, IReadOnlyList<string>> { [name] = [value] });

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice"), query, route));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.Contains(name, error.Message);
        Assert.Empty(host.Fakes.Requests);
    }

    [Theory]
    [InlineData(SearchMode.Keyword, "keyword")]
    [InlineData(SearchMode.Semantic, "semantic")]
    public async Task SearchAsync_ModeOtherThanHybrid_IsReportedAsNotApplicable(SearchMode mode, string name)
    {
        await using var host = await QIndexTestHost.StartAsync();

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice"), QIndexTestHost.Query(mode: mode)));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.Equal($"mode '{name}' does not apply to this tenant's backend (Amazon Q index ranks results itself); use 'hybrid'", error.Message);
        Assert.Empty(host.Fakes.Requests);
    }

    [Fact]
    public async Task SearchAsync_RouteMaxResults_CapsTopK()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var route = host.Route(extra: """, "maxResults": 3 """);

        await host.SearchAsync(QIndexTestHost.Caller("alice"), QIndexTestHost.Query(topK: 20), route);

        Assert.Equal(3, host.Fakes.Requests.Single(r => r.Service == "qbusiness").Json.GetProperty("maxResults").GetInt32());
    }

    [Fact]
    public async Task SearchAsync_NextPage_SendsTheServicesNextTokenBack()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = request => request.Json.TryGetProperty("nextToken", out var token)
            ? FakeResponse.Json(QIndexTestHost.RelevantContent(("doc-3", "Three", "third " + token.GetString(), "LOW")))
            : FakeResponse.Json("""{"relevantContent": [{"content": "first", "documentId": "doc-1"}, {"content": "second", "documentId": "doc-2"}], "nextToken": "page-2-token/+="}""");
        var caller = QIndexTestHost.Caller("alice");
        var query = QIndexTestHost.Query(topK: 2);

        var first = await host.SearchAsync(caller, query);
        Assert.Equal(["doc-1", "doc-2"], first.Hits.Select(h => h.Id));
        Assert.NotNull(first.NextPosition);

        var second = await host.SearchAsync(caller, query with { Position = first.NextPosition });

        var searches = host.Fakes.Requests.Where(r => r.Service == "qbusiness").ToList();
        Assert.Equal("page-2-token/+=", searches[1].Json.GetProperty("nextToken").GetString());
        QBusinessWire.AssertSearchRelevantContentRequest(searches[1].Json);
        Assert.Equal("third page-2-token/+=", Assert.Single(second.Hits).Snippet);
        Assert.Null(second.NextPosition);
    }

    [Fact]
    public async Task SearchAsync_PositionOfAnotherSubject_IsInvalidArgument()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.Json("""{"relevantContent": [{"content": "x", "documentId": "doc-1"}], "nextToken": "alice-page-2"}""");
        var alicePage = await host.SearchAsync(QIndexTestHost.Caller("alice"));
        host.Fakes.ClearRequests();

        var error = await Assert.ThrowsAsync<RetrievalException>(() =>
            host.SearchAsync(QIndexTestHost.Caller("bob"), QIndexTestHost.Query() with { Position = alicePage.NextPosition }));

        Assert.Equal(RetrievalErrorCode.InvalidArgument, error.Code);
        Assert.DoesNotContain(host.Fakes.Requests, r => r.Service == "qbusiness");
    }

    [Fact]
    public async Task GetAsync_DocumentInCallersRecentResults_ReturnsItsPassages()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.Json(QIndexTestHost.RelevantContent(
            ("doc-vpn", "VPN guide", "Install the client.", "HIGH"),
            ("doc-vpn", "VPN guide", "Then sign in.", "MEDIUM")));
        var alice = QIndexTestHost.Caller("alice");
        var route = host.Route();
        await host.SearchAsync(alice, route: route);

        var document = await host.Backend.GetAsync(route, alice, "doc-vpn", CancellationToken.None);

        Assert.NotNull(document);
        Assert.Equal("VPN guide", document.Title);
        Assert.Equal("https://wiki.example.com/doc-vpn", document.Url);
        Assert.Contains("Install the client.", document.Text);
        Assert.Contains("Then sign in.", document.Text);
    }

    [Fact]
    public async Task GetAsync_IdNotInCallersRecentResults_ReturnsNull()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.Json(QIndexTestHost.RelevantContent(("doc-vpn", "VPN guide", "Install the client.", "HIGH")));
        var route = host.Route();
        await host.SearchAsync(QIndexTestHost.Caller("alice"), route: route);

        Assert.Null(await host.Backend.GetAsync(route, QIndexTestHost.Caller("alice"), "doc-other", CancellationToken.None));
        Assert.Null(await host.Backend.GetAsync(route, QIndexTestHost.Caller("bob"), "doc-vpn", CancellationToken.None));
        Assert.Null(await host.Backend.GetAsync(host.Route("tenant-z"), QIndexTestHost.Caller("alice", "tenant-z"), "doc-vpn", CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_AfterRecentResultsLifetime_ReturnsNull()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.Json(QIndexTestHost.RelevantContent(("doc-vpn", "VPN guide", "Install the client.", "HIGH")));
        var route = host.Route();
        var alice = QIndexTestHost.Caller("alice");
        await host.SearchAsync(alice, route: route);

        host.Time.Advance(TimeSpan.FromMinutes(31));

        Assert.Null(await host.Backend.GetAsync(route, alice, "doc-vpn", CancellationToken.None));
    }

    [Fact]
    public async Task UpsertAsync_AnyDocument_IsRefusedAsReadOnly()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var route = host.Route();
        var alice = QIndexTestHost.Caller("alice");

        var upsert = await Assert.ThrowsAsync<RetrievalException>(() =>
            host.Backend.UpsertAsync(route, alice, [new RetrievalDocument("d", "t", "x")], null, CancellationToken.None));
        var delete = await Assert.ThrowsAsync<RetrievalException>(() => host.Backend.DeleteAsync(route, alice, "d", CancellationToken.None));

        Assert.Equal(RetrievalErrorCode.Forbidden, upsert.Code);
        Assert.Equal("this tenant's backend is read-only", upsert.Message);
        Assert.Equal(RetrievalErrorCode.Forbidden, delete.Code);
        Assert.Empty(host.Fakes.Requests);
    }
}

using System.Text.Json;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tests.QIndex;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Tests;

/// <summary>
/// A tenant of two sources (its local index and its customer's Q index, the loopback fake) through the real MCP
/// client: fused results with source-qualified ids, fetch and resource reads routed to the source an id names, one
/// cursor across both sources, the Q index failing while the local results still come back with a warning, the audit
/// event's per-source outcome and latency, and no hit or cursor of one tenant reaching another through any source.
/// </summary>
public sealed class MultiSourceToolTests(MultiSourceDeployment deployment) : IClassFixture<MultiSourceDeployment>
{
    private const string Query = "refund returns shipping warranty";
    private static readonly SemaphoreSlim Seeding = new(1, 1);
    private static bool _seeded;

    private Task<McpClient> ClientAsync(string tenant = MultiSourceDeployment.Tenant, string scope = "rag:read", string? requestId = null) =>
        McpClients.HttpAsync(deployment.McpEndpoint, deployment.Tokens.Valid(tenant, scope), requestId);

    /// <summary>Each tenant's local documents (written through the tools: writes go to the first source) and Q index content.</summary>
    private async Task SeedAsync()
    {
        await Seeding.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_seeded)
            {
                return;
            }

            deployment.QIndex.Load(MultiSourceDeployment.Retriever,
            [
                new RetrievalDocument("refund-faq", "Refund FAQ", "Refund questions answered: refunds reach the card in five days.") { Url = "https://crm.example/refund-faq" },
                new RetrievalDocument("returns-desk", "Returns desk", "The returns desk takes parcels until six.") { Url = "https://crm.example/returns" },
                new RetrievalDocument("refund-copy", "Refund policy (synced copy)", "Refunds are paid within 14 days.") { Url = "https://kb.example/refund-policy" },
            ]);
            deployment.QIndex.Load(MultiSourceDeployment.OtherRetriever,
            [
                new RetrievalDocument("m2-refund-escalation", "Refund escalation", "Refund escalations of the other customer.") { Url = "https://crm.example/m2-escalation" },
            ]);
            await using (var writer = await ClientAsync(scope: "rag:read rag:write"))
            {
                await UpsertAsync(writer, "refund-policy", "Refund policy", "Refunds are paid within 14 days of the return.", "https://kb.example/refund-policy");
                await UpsertAsync(writer, "shipping-times", "Shipping times", "Shipping takes two to four working days.", null);
                await UpsertAsync(writer, "warranty-claims", "Warranty claims", "Warranty claims need the receipt and the serial number.", null);
            }

            await using (var other = await ClientAsync(MultiSourceDeployment.OtherTenant, "rag:read rag:write"))
            {
                await UpsertAsync(other, "m2-refund-secret", "Refund secrets", "Refund shipping warranty returns of the other tenant.", null);
            }

            _seeded = true;
        }
        finally
        {
            Seeding.Release();
        }
    }

    private static async Task UpsertAsync(McpClient client, string id, string title, string text, string? url) =>
        (await client.CallAsync("upsert_document", new() { ["id"] = id, ["title"] = title, ["text"] = text, ["url"] = url })).Ok();

    private static List<string> Ids(IEnumerable<JsonElement> hits) => hits.Select(h => h.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task Search_TwoSourceTenant_FusesBothSourcesWithSourceQualifiedIdsAndOneCopyPerUrl()
    {
        await SeedAsync();
        await using var client = await ClientAsync();

        var result = (await client.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 20 })).Ok();

        var hits = result.GetProperty("results").EnumerateArray().ToList();
        var ids = Ids(hits);
        Assert.Equal("sources", result.GetProperty("backend").GetString());
        Assert.False(result.TryGetProperty("warnings", out var warnings), warnings.ToString());
        Assert.Contains("docs:shipping-times", ids);
        Assert.Contains("q:refund-faq", ids);
        Assert.Contains("q:returns-desk", ids);
        Assert.All(hits, h => Assert.StartsWith(h.GetProperty("source").GetString() + ":", h.GetProperty("id").GetString(), StringComparison.Ordinal));
        // The local refund policy and its synced copy in the Q index share a url: one of them is given.
        Assert.Single(hits, h => h.GetProperty("url").GetString() == "https://kb.example/refund-policy");
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.DoesNotContain(ids, id => id.Contains("m2-", StringComparison.Ordinal));
        var scores = hits.Select(h => h.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task Fetch_IdOfEachSource_ReadsTheDocumentFromThatSource()
    {
        await SeedAsync();
        await using var client = await ClientAsync();
        (await client.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 20 })).Ok();

        var local = (await client.CallAsync("fetch", new() { ["id"] = "docs:shipping-times" })).Ok();
        var fromQ = (await client.CallAsync("fetch", new() { ["id"] = "q:returns-desk" })).Ok();
        var resource = await client.ReadResourceAsync("mcprag://documents/docs%3Awarranty-claims", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(("docs:shipping-times", "Shipping takes two to four working days."), (local.GetProperty("id").GetString(), local.GetProperty("text").GetString()));
        Assert.Equal("q:returns-desk", fromQ.GetProperty("id").GetString());
        Assert.Contains("returns desk takes parcels", fromQ.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("Warranty claims need the receipt and the serial number.", Assert.IsType<TextResourceContents>(Assert.Single(resource.Contents)).Text);
        Assert.Equal("not_found", (await client.CallAsync("fetch", new() { ["id"] = "docs:returns-desk" })).ErrorCode());
        foreach (var id in new[] { "shipping-times", "crm:returns-desk" })
        {
            var refused = await client.CallAsync("fetch", new() { ["id"] = id });
            Assert.Equal("invalid_argument", refused.ErrorCode());
            Assert.Contains("(docs, q)", refused.Text(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Search_PagedWithOneCursor_GivesEveryResultOnceAcrossBothSources()
    {
        await SeedAsync();
        await using var client = await ClientAsync();
        var whole = Ids((await client.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 50 })).Hits());
        var qPagesBefore = deployment.Aws.Requests.Count(r => r.Service == "qbusiness" && r.Json.TryGetProperty("nextToken", out _));

        var paged = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var arguments = new Dictionary<string, object?> { ["query"] = Query, ["top_k"] = 2 };
            if (cursor is not null)
            {
                arguments["cursor"] = cursor;
            }

            var page = (await client.CallAsync("search", arguments)).Ok();
            paged.AddRange(Ids(page.GetProperty("results").EnumerateArray()));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null && ++pages < 20);

        Assert.Equal(whole, paged);
        Assert.Contains(paged, id => id.StartsWith("docs:", StringComparison.Ordinal));
        Assert.Contains(paged, id => id.StartsWith("q:", StringComparison.Ordinal));
        // The Q index was paged with its own nextToken, carried inside the one cursor.
        Assert.True(deployment.Aws.Requests.Count(r => r.Service == "qbusiness" && r.Json.TryGetProperty("nextToken", out _)) > qPagesBefore);
    }

    [Fact]
    public async Task Search_CursorOfOneTenantPresentedByAnother_IsRefused()
    {
        await SeedAsync();
        await using var owner = await ClientAsync();
        var cursor = (await owner.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 1 })).Ok().GetProperty("next_cursor").GetString()!;
        await using var other = await ClientAsync(MultiSourceDeployment.OtherTenant);

        var replayed = await other.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 1, ["cursor"] = cursor });

        Assert.Equal("invalid_argument", replayed.ErrorCode());
        ErrorHygiene.AssertClean(replayed.Text(), MultiSourceDeployment.OtherTenant);
        Assert.DoesNotContain(MultiSourceDeployment.Tenant, replayed.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_OtherTenant_GetsNoHitOfTheFirstThroughAnySource()
    {
        await SeedAsync();
        var before = deployment.Aws.Requests.Count;
        await using var other = await ClientAsync(MultiSourceDeployment.OtherTenant);

        var ids = Ids((await other.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 50 })).Hits());

        Assert.Equal(["docs:m2-refund-secret", "q:m2-refund-escalation"], ids.Order(StringComparer.Ordinal));
        Assert.Equal("not_found", (await other.CallAsync("fetch", new() { ["id"] = "docs:shipping-times" })).ErrorCode());
        Assert.Equal("not_found", (await other.CallAsync("fetch", new() { ["id"] = "q:returns-desk" })).ErrorCode());
        Assert.All(deployment.Aws.Requests.Skip(before).Where(r => r.Service == "qbusiness"),
            r => Assert.Equal(MultiSourceDeployment.OtherRetriever, r.Json.GetProperty("contentSource").GetProperty("retriever").GetProperty("retrieverId").GetString()));
    }

    [Fact]
    public async Task Search_QIndexFailing_ReturnsTheLocalResultsWithAWarningAndAuditsEachSource()
    {
        await SeedAsync();
        var requestId = "sources-" + Guid.NewGuid().ToString("n")[..12];
        deployment.Aws.QBusiness = _ => FakeResponse.RestJsonError(500, "InternalServerException", """{"message":"internal error at qbusiness-cell-7.internal"}""");
        CallToolResult result;
        try
        {
            await using var client = await ClientAsync(requestId: requestId);
            result = await client.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 20 });
        }
        finally
        {
            deployment.AnswerFromContent();
        }

        var structured = result.Ok();
        var ids = Ids(structured.GetProperty("results").EnumerateArray());
        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.StartsWith("docs:", id, StringComparison.Ordinal));
        var warning = Assert.Single(structured.GetProperty("warnings").EnumerateArray().ToList());
        Assert.Equal("q", warning.GetProperty("source").GetString());
        var reason = warning.GetProperty("reason").GetString()!;
        Assert.DoesNotContain('\n', reason);
        Assert.Contains("\"warnings\"", result.Text(), StringComparison.Ordinal);
        foreach (var text in new[] { reason, result.Text() })
        {
            Assert.DoesNotContain("internal", text, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
            ErrorHygiene.AssertClean(text, MultiSourceDeployment.Tenant);
        }

        var audit = await AuditEventAsync(requestId);
        Assert.Equal("ok", audit.GetProperty("outcome").GetString());
        Assert.Equal(ids.Count, audit.GetProperty("hits").GetInt32());
        var sources = audit.GetProperty("sources").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(("local", "ok", ids.Count), (sources["docs"].GetProperty("backend").GetString(), sources["docs"].GetProperty("outcome").GetString(), sources["docs"].GetProperty("hits").GetInt32()));
        Assert.Equal(("qindex", "failed", 0), (sources["q"].GetProperty("backend").GetString(), sources["q"].GetProperty("outcome").GetString(), sources["q"].GetProperty("hits").GetInt32()));
        Assert.All(sources.Values, s => Assert.True(s.GetProperty("latency_ms").GetDouble() >= 0));
    }

    [Fact]
    public async Task Search_SnippetChars_CutsEachSourcesSnippetAndSaysSo()
    {
        await SeedAsync();
        await using var client = await ClientAsync();

        var shortHits = (await client.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 20, ["snippet_chars"] = 40 })).Hits();
        var longHits = (await client.CallAsync("search", new() { ["query"] = Query, ["top_k"] = 20, ["snippet_chars"] = 2000 })).Hits();

        var faq = shortHits.Single(h => h.GetProperty("id").GetString() == "q:refund-faq");
        Assert.True(faq.GetProperty("snippet_truncated").GetBoolean());
        Assert.True(faq.GetProperty("snippet").GetString()!.Length <= 42, faq.GetProperty("snippet").GetString());
        var warranty = shortHits.Single(h => h.GetProperty("id").GetString() == "docs:warranty-claims");
        Assert.True(warranty.GetProperty("snippet_truncated").GetBoolean());
        Assert.True(warranty.GetProperty("snippet").GetString()!.Replace("**", "", StringComparison.Ordinal).Length <= 42, warranty.GetProperty("snippet").GetString());
        Assert.All(longHits, h => Assert.False(h.GetProperty("snippet_truncated").GetBoolean(), h.GetProperty("id").GetString()));
        Assert.Equal("Refund questions answered: refunds reach the card in five days.",
            longHits.Single(h => h.GetProperty("id").GetString() == "q:refund-faq").GetProperty("snippet").GetString());
        // Fetch still reads the whole excerpt the Q index gave, however short the snippet was.
        Assert.Equal("Refund questions answered: refunds reach the card in five days.", (await client.CallAsync("fetch", new() { ["id"] = "q:refund-faq" })).Ok().GetProperty("text").GetString());
        foreach (var chars in new[] { 39, 2001 })
        {
            var refused = await client.CallAsync("search", new() { ["query"] = Query, ["snippet_chars"] = chars });
            Assert.Equal("invalid_argument", refused.ErrorCode());
            Assert.Contains("snippet_chars must be between 40 and 2000", refused.Text(), StringComparison.Ordinal);
        }
    }

    /// <summary>The one audit event of a request, once the file writer has written it.</summary>
    private async Task<JsonElement> AuditEventAsync(string requestId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var events = AuditFiles.Read(deployment.AuditDirectory).Where(e => e.GetProperty("request_id").GetString() == requestId).ToList();
            if (events.Count > 0)
            {
                return Assert.Single(events);
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new Xunit.Sdk.XunitException("no audit event for " + requestId);
    }
}

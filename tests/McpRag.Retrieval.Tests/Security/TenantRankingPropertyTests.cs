using System.Globalization;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.Security;

/// <summary>
/// Property: in a shared index (document isolation), a tenant's scores and ranking do not depend on anything another
/// tenant stores. Tenant A's random documents are searched with random queries alone in the index, then again after
/// tenant B has written documents dense in the same words (over several commits, with ids that collide with A's),
/// and again after B has deleted them all (deleted passages stay in the segments until they merge). Every result
/// list, scores included, must be identical each time. Keyword scores include the whole-document field (<see cref="IndexFields.Body"/>,
/// weighed by the default <see cref="LocalBackendOptions.KeywordDocumentWeight"/>), the title and, with
/// <see cref="LocalBackendOptions.FeedbackDocuments"/> turned on, the RM3 expansion words (chosen by the tenant's own passage counts), so
/// their per-tenant statistics are covered too. The seed is printed, and set with <c>MCPRAG_TEST_SEED</c>.
/// </summary>
[Trait("Category", "Slow")]
public sealed class TenantRankingPropertyTests : IDisposable
{
    private static readonly string[] Words =
    [
        "refund", "return", "password", "reset", "account", "billing", "invoice", "order", "shipping", "delivery", "warranty", "claim",
        "appointment", "booking", "flight", "baggage", "roaming", "esim", "portal", "support", "agent", "escalation", "hours", "weekend",
        "days", "within", "customer", "request", "policy", "manual", "credit", "voucher", "label", "store", "online", "phone",
    ];

    private readonly string _dataDir = TestData.NewFolder();
    private readonly LocalIndexBackend _backend;
    private readonly int _seed;

    public TenantRankingPropertyTests()
    {
        _backend = new LocalIndexBackend(Options.Create(new StorageOptions { DataDir = _dataDir }), Options.Create(new LocalBackendOptions { FeedbackDocuments = 5 }), TestData.Embeddings);
        _seed = int.TryParse(Environment.GetEnvironmentVariable("MCPRAG_TEST_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20261201;
    }

    [Fact]
    public async Task Search_OtherTenantWritesThenDeletes_ScoresAndRankingUnchanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(_seed);
        var a = Route("tenant-rank-a");
        var b = Route("tenant-rank-b");
        var own = Enumerable.Range(0, 30).Select(i => Document(random, $"doc-{i}", words: random.Next(20, 160))).ToList();
        await _backend.UpsertAsync(a, Caller(a), own, null, ct);
        var queries = Enumerable.Range(0, 20)
            .Select(_ => new SearchQuery(string.Join(' ', Enumerable.Range(0, random.Next(1, 4)).Select(_ => Words[random.Next(Words.Length)])), 20, random.Next(3) == 0 ? SearchMode.Hybrid : SearchMode.Keyword, new Dictionary<string, IReadOnlyList<string>>()))
            .ToList();
        var alone = await SearchAllAsync(a, queries);
        Assert.True(alone.Sum(r => r.Count) > 50, $"the queries find A's documents (seed {_seed})");

        // B writes in three commits: documents that repeat the queried words, and ids that A also uses.
        var foreign = new List<string>();
        for (var batch = 0; batch < 3; batch++)
        {
            var documents = Enumerable.Range(0, 20).Select(i =>
            {
                var id = i % 5 == 0 ? $"doc-{batch * 7 + i}" : $"b-{batch}-{i}";
                foreign.Add(id);
                var word = queries[random.Next(queries.Count)].Text.Split(' ')[0];
                return i % 2 == 0
                    ? new RetrievalDocument(id, $"{word} note {i}", string.Join(' ', Enumerable.Repeat(word, 3)) + $" note {i}")
                    : Document(random, id, words: random.Next(5, 400));
            }).ToList();
            await _backend.UpsertAsync(b, Caller(b), documents, null, ct);
        }

        AssertSame(alone, await SearchAllAsync(a, queries), "after tenant B wrote");

        foreach (var id in foreign.Distinct())
        {
            Assert.True(await _backend.DeleteAsync(b, Caller(b), id, ct));
        }

        AssertSame(alone, await SearchAllAsync(a, queries), "after tenant B deleted its documents");
    }

    [Fact]
    public async Task Search_OtherTenantRepeatsQueryWord_TopResultAndScoresStay()
    {
        var ct = TestContext.Current.CancellationToken;
        var a = Route("tenant-alone-a");
        var b = Route("tenant-alone-b");
        await _backend.UpsertAsync(a, Caller(a), [new("manual", "Baggage manual", "Checked baggage allowance and baggage fees for every fare."), new("refund", "Refund policy", "A refund is paid within 14 days of the request.")], null, ct);
        var query = new SearchQuery("refund baggage", 10, SearchMode.Keyword, new Dictionary<string, IReadOnlyList<string>>());
        var before = await _backend.SearchAsync(a, Caller(a), query, ct);

        await _backend.UpsertAsync(b, Caller(b), Enumerable.Range(0, 25).Select(i => new RetrievalDocument($"n{i}", $"Note {i}", $"baggage baggage baggage note {i}")).ToList(), null, ct);
        var after = await _backend.SearchAsync(a, Caller(a), query, ct);

        Assert.Equal(before.Hits.Select(h => (h.Id, h.Score)), after.Hits.Select(h => (h.Id, h.Score)));
        Assert.Equal("manual", after.Hits[0].Id);
    }

    private async Task<List<List<(string Id, double Score)>>> SearchAllAsync(TenantRoute route, List<SearchQuery> queries)
    {
        var results = new List<List<(string, double)>>();
        foreach (var query in queries)
        {
            var page = await _backend.SearchAsync(route, Caller(route), query, TestContext.Current.CancellationToken);
            Assert.All(page.Hits, h => Assert.DoesNotContain("b-", h.Id, StringComparison.Ordinal));

            // Equal scores may come back in either order; the ranking is compared as score, then id.
            results.Add(page.Hits.Select(h => (h.Id, h.Score)).OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal).ToList());
        }

        return results;
    }

    private void AssertSame(List<List<(string Id, double Score)>> expected, List<List<(string Id, double Score)>> actual, string when)
    {
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].SequenceEqual(actual[i]), $"query {i} {when} (seed {_seed}):\n  alone: {Show(expected[i])}\n  now:   {Show(actual[i])}");
        }
    }

    private static string Show(List<(string Id, double Score)> hits) => string.Join(", ", hits.Take(6).Select(h => $"{h.Id}={h.Score.ToString(CultureInfo.InvariantCulture)}"));

    private static RetrievalDocument Document(Random random, string id, int words) =>
        new(id, string.Join(' ', Enumerable.Range(0, 3).Select(_ => Words[random.Next(Words.Length)])), string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)])) + ".");

    private static TenantRoute Route(string tenant) => new(tenant, LocalIndexBackend.BackendName, TenantIsolation.Document) { Index = "shared-rank" };

    private static TenantPrincipal Caller(TenantRoute route) => TenantPrincipal.Operator(route.TenantId);

    public void Dispose()
    {
        _backend.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}

using System.Globalization;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.Security;

/// <summary>
/// Property: whatever a tenant asks for, it gets only its own data. Sixty tenants in the three isolation modes
/// (document-isolated ones crowded into three shared indexes) hold documents generated from one seed with colliding
/// ids, titles and words; each then runs random searches (another tenant's exact text, another tenant's marker word,
/// random words, random modes, page sizes, filters and positions), fetches random ids and tries to delete ids that
/// only other tenants own. Every hit and every fetched document is checked against the caller's own ground truth.
/// The seed is printed, and set with <c>MCPRAG_TEST_SEED</c> to replay a failure.
/// </summary>
[Trait("Category", "Slow")]
public sealed class IsolationPropertyTests : IDisposable
{
    private const int TenantCount = 60;
    private const int SearchesPerTenant = 8;

    private static readonly string[] IdPool = ["refund-policy", "password-reset", "faq-1", "faq-2", "manual", "inquiry-7", "business-hours"];
    private static readonly string[] TitlePool = ["Refund policy", "Resetting your password", "Frequently asked questions", "Agent manual", "Business hours"];
    private static readonly string[] Categories = ["faq", "policy", "inquiry"];
    private static readonly string[] Words =
    [
        "refund", "return", "password", "reset", "account", "billing", "invoice", "order", "shipping", "delivery", "warranty", "claim",
        "appointment", "booking", "flight", "baggage", "roaming", "esim", "portal", "support", "agent", "escalation", "hours", "weekend",
        "days", "within", "customer", "request", "policy", "manual", "credit", "voucher", "label", "store", "online", "phone",
    ];

    private readonly string _dataDir = TestData.NewFolder();
    private readonly LocalIndexBackend _backend;
    private readonly int _seed;

    public IsolationPropertyTests()
    {
        _backend = new LocalIndexBackend(Options.Create(new StorageOptions { DataDir = _dataDir }), Options.Create(new LocalBackendOptions()), TestData.Embeddings);
        _seed = int.TryParse(Environment.GetEnvironmentVariable("MCPRAG_TEST_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20261126;
    }

    [Fact]
    public async Task SearchFetchDelete_RandomTenantsQueriesFiltersAndPositions_NeverCrossTenants()
    {
        var random = new Random(_seed);
        var ct = TestContext.Current.CancellationToken;
        var tenants = Enumerable.Range(0, TenantCount).Select(i => Generate(random, i)).ToList();
        foreach (var tenant in tenants)
        {
            await _backend.UpsertAsync(tenant.Route, Caller(tenant), tenant.Documents.Values.ToList(), null, ct);
        }

        var counts = new Counts();
        foreach (var tenant in tenants)
        {
            for (var i = 0; i < SearchesPerTenant; i++)
            {
                var query = RandomQuery(random, tenant, tenants);
                var page = await _backend.SearchAsync(tenant.Route, Caller(tenant), query, ct);
                counts.Searches++;
                CheckHits(tenant, query, page);
                counts.Hits += page.Hits.Count;
                if (page.NextPosition is not null)
                {
                    var next = await _backend.SearchAsync(tenant.Route, Caller(tenant), query with { Position = page.NextPosition }, ct);
                    counts.Searches++;
                    CheckHits(tenant, query, next);
                    counts.Hits += next.Hits.Count;
                }
            }

            foreach (var id in IdPool)
            {
                var document = await _backend.GetAsync(tenant.Route, Caller(tenant), id, ct);
                counts.Fetches++;
                if (tenant.Documents.TryGetValue(id, out var own))
                {
                    Check(document is not null && document.Text == own.Text && document.Title == own.Title, $"{tenant.Id} fetches its own '{id}' and gets exactly its own text");
                }
                else
                {
                    Check(document is null, $"{tenant.Id} fetches '{id}', which only other tenants hold, and gets nothing");
                }
            }

            var victim = tenants[random.Next(tenants.Count)];
            var foreignId = victim.Documents.Keys.FirstOrDefault(id => !tenant.Documents.ContainsKey(id));
            if (victim != tenant && foreignId is not null)
            {
                var deleted = await _backend.DeleteAsync(tenant.Route, Caller(tenant), foreignId, ct);
                counts.Deletes++;
                Check(!deleted, $"{tenant.Id} deletes '{foreignId}' of {victim.Id} and is told it does not exist");
                var survivor = await _backend.GetAsync(victim.Route, Caller(victim), foreignId, ct);
                Check(survivor?.Text == victim.Documents[foreignId].Text, $"{victim.Id}'s '{foreignId}' survives {tenant.Id}'s delete");
            }
        }

        var line = $"isolation: {TenantCount} tenants (domain, index, document in 3 shared indexes), seed {_seed}: {counts.Searches} searches, " +
            $"{counts.Hits} hits, {counts.Fetches} fetches, {counts.Deletes} foreign deletes checked ({counts.Hits + counts.Fetches + counts.Deletes} cases), 0 crossed tenants";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage("SECURITY " + line);
    }

    private void CheckHits(GeneratedTenant tenant, SearchQuery query, SearchPage page)
    {
        Check(page.Hits.Count <= query.TopK, $"{tenant.Id} gets at most top_k hits");
        foreach (var hit in page.Hits)
        {
            var context = $"{tenant.Id} searching '{Shorten(query.Text)}' ({query.Mode}, top_k {query.TopK}, position {query.Position ?? "0"}) got '{hit.Id}'";
            Check(tenant.Documents.TryGetValue(hit.Id, out var own), context + ", an id it does not hold");
            Check(hit.Title == own!.Title && hit.Url == own.Url, context + " with another tenant's title or url");
            var snippet = hit.Snippet.Replace("**", string.Empty, StringComparison.Ordinal).Replace(" …", string.Empty, StringComparison.Ordinal).Trim();
            Check(own.Text.Contains(snippet, StringComparison.Ordinal) || own.Title.Contains(snippet, StringComparison.Ordinal), context + " with a snippet that is not from its own document: " + Shorten(snippet));
            Check(hit.Attributes["owner"].SequenceEqual([tenant.Id]), context + " with another tenant's attributes");
            foreach (var (name, values) in query.Filters)
            {
                Check(hit.Attributes.TryGetValue(name, out var actual) && actual.Intersect(values).Any(), context + $" outside the filter {name}");
            }

            Check(query.Filter is null || Matches(query.Filter, hit.Attributes), context + $" outside the filter {query.Filter?.Canonical}");
        }
    }

    private static GeneratedTenant Generate(Random random, int index)
    {
        var id = $"prop-{index:00}";
        var isolation = (TenantIsolation)(index % 3);
        var route = isolation switch
        {
            TenantIsolation.Document => new TenantRoute(id, LocalIndexBackend.BackendName, isolation) { Index = $"shared-{index % 9 / 3}" },
            TenantIsolation.Index => new TenantRoute(id, LocalIndexBackend.BackendName, isolation) { Index = id },
            _ => new TenantRoute(id, LocalIndexBackend.BackendName, isolation),
        };
        var marker = $"zq{index:00}x";
        var documents = new Dictionary<string, RetrievalDocument>(StringComparer.Ordinal);
        foreach (var docId in IdPool.OrderBy(_ => random.Next()).Take(random.Next(2, 5)))
        {
            var text = string.Join(' ', Enumerable.Range(0, random.Next(12, 40)).Select(_ => Words[random.Next(Words.Length)])) + $" {marker}.";
            documents[docId] = new RetrievalDocument(docId, TitlePool[random.Next(TitlePool.Length)], text)
            {
                Url = $"https://{id}.example/{docId}",
                Attributes = new Dictionary<string, IReadOnlyList<string>>
                {
                    ["category"] = [Categories[random.Next(Categories.Length)]],
                    ["owner"] = [id],
                },
            };
        }

        return new GeneratedTenant(id, route, documents);
    }

    private static SearchQuery RandomQuery(Random random, GeneratedTenant caller, List<GeneratedTenant> tenants)
    {
        var other = tenants[random.Next(tenants.Count)];
        var text = random.Next(5) switch
        {
            0 => other.Documents.Values.ElementAt(random.Next(other.Documents.Count)).Text,
            1 => other.Documents.Values.First().Text.Split(' ')[^1].TrimEnd('.'),
            2 => other.Documents.Values.First().Title,
            3 => caller.Documents.Values.First().Text,
            _ => string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Words[random.Next(Words.Length)])),
        };
        IReadOnlyDictionary<string, IReadOnlyList<string>> filters = random.Next(4) switch
        {
            0 => new Dictionary<string, IReadOnlyList<string>> { ["category"] = Categories.Where(_ => random.Next(2) == 0).DefaultIfEmpty("faq").ToArray() },
            1 => new Dictionary<string, IReadOnlyList<string>> { ["owner"] = [other.Id, caller.Id] },
            2 => new Dictionary<string, IReadOnlyList<string>> { ["owner"] = [other.Id] },
            _ => RetrievalDocument.EmptyAttributes,
        };
        // Typed filters that would widen the scope if they replaced the tenant clause: "not mine", "mine or theirs".
        var ownerIsOther = new FilterEquals("owner", AttributeType.Keyword, [other.Id]);
        var ownerIsCaller = new FilterEquals("owner", AttributeType.Keyword, [caller.Id]);
        SearchFilter? typed = random.Next(6) switch
        {
            0 => new FilterNot(ownerIsCaller),
            1 => new FilterGroup(FilterJoin.Any, [ownerIsOther, ownerIsCaller]),
            2 => new FilterGroup(FilterJoin.Any, [ownerIsOther, new FilterNot(new FilterExists("category"))]),
            3 => new FilterNot(new FilterGroup(FilterJoin.All, [ownerIsCaller, new FilterExists("owner")])),
            4 => new FilterGroup(FilterJoin.Any, [new FilterExists("owner"), new FilterNot(new FilterExists("owner"))]),
            _ => null,
        };
        return new SearchQuery(text, random.Next(1, SearchLimits.MaxTopK + 1), (SearchMode)random.Next(3), filters)
        {
            Position = random.Next(3) == 0 ? random.Next(0, 20).ToString(CultureInfo.InvariantCulture) : null,
            Filter = typed,
        };
    }

    /// <summary>Whether a hit's attributes satisfy a filter, evaluated independently of any backend.</summary>
    private static bool Matches(SearchFilter filter, IReadOnlyDictionary<string, IReadOnlyList<string>> attributes) => filter switch
    {
        FilterGroup { Join: FilterJoin.All } all => all.Members.All(m => Matches(m, attributes)),
        FilterGroup any => any.Members.Any(m => Matches(m, attributes)),
        FilterNot not => !Matches(not.Inner, attributes),
        FilterEquals equals => attributes.TryGetValue(equals.Attribute, out var values) && values.Intersect(equals.Values).Any(),
        FilterExists exists => attributes.ContainsKey(exists.Attribute),
        _ => throw new ArgumentException("no evaluator for " + filter.Canonical),
    };

    private static TenantPrincipal Caller(GeneratedTenant tenant) => TenantPrincipal.Operator(tenant.Id);

    private void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException($"isolation property failed (seed {_seed}; replay with MCPRAG_TEST_SEED={_seed}): {what}");
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    public void Dispose()
    {
        _backend.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private sealed record GeneratedTenant(string Id, TenantRoute Route, Dictionary<string, RetrievalDocument> Documents);

    private sealed class Counts
    {
        public int Searches { get; set; }
        public int Hits { get; set; }
        public int Fetches { get; set; }
        public int Deletes { get; set; }
    }
}

using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.Security;

/// <summary>
/// Upserts that replace a multi-chunk document while searches and fetches run: every read sees one whole revision,
/// never a mix of two and never nothing, and another tenant in the same shared index never sees it at all. After each
/// upsert the writer waits until every reader has finished another round, so reads interleave with every revision
/// however fast or slow the machine is.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ConcurrentWriteTests : IDisposable
{
    private const int Revisions = 12;
    private const int Readers = 3;
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(60);
    private readonly string _dataDir = TestData.NewFolder();
    private readonly LocalIndexBackend _backend;

    public ConcurrentWriteTests()
    {
        var options = new LocalBackendOptions { ReopenInterval = TimeSpan.Zero, Chunking = new() { ChunkWords = 20, OverlapWords = 2 } };
        _backend = new LocalIndexBackend(Options.Create(new StorageOptions { DataDir = _dataDir }), Options.Create(options), TestData.Embeddings);
    }

    [Fact]
    public async Task UpsertAsync_WhileSearchingAndFetching_EveryReadSeesOneWholeRevision()
    {
        var ct = TestContext.Current.CancellationToken;
        var owner = Route("writer");
        var neighbour = Route("neighbour");
        var texts = Enumerable.Range(0, Revisions + 1).Select(Text).ToArray();
        await _backend.UpsertAsync(owner, Caller("writer"), [Doc(0)], null, ct);
        await _backend.UpsertAsync(neighbour, Caller("neighbour"), [new RetrievalDocument("other", "Other", "Unrelated neighbour text about gardens.")], null, ct);

        using var done = new CancellationTokenSource();
        var rounds = new int[Readers];
        var readers = Enumerable.Range(0, Readers).Select(n => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var document = await _backend.GetAsync(owner, Caller("writer"), "live", ct);
                Assert.NotNull(document);
                Assert.Contains(document.Text, texts);
                Assert.Equal(Title(Array.IndexOf(texts, document.Text)), document.Title);

                var page = await _backend.SearchAsync(owner, Caller("writer"), new SearchQuery("revision marker words", 10, (SearchMode)(n % 3), RetrievalDocument.EmptyAttributes), ct);
                var hit = Assert.Single(page.Hits, h => h.Id == "live");
                var revision = int.Parse(hit.Title.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
                Assert.Contains($"rev{revision}x", hit.Snippet, StringComparison.Ordinal);

                var foreign = await _backend.SearchAsync(neighbour, Caller("neighbour"), new SearchQuery("revision marker words", 10, SearchMode.Hybrid, RetrievalDocument.EmptyAttributes), ct);
                Assert.DoesNotContain(foreign.Hits, h => h.Id == "live");
                Interlocked.Increment(ref rounds[n]);
            }
        }, ct)).ToList();

        try
        {
            for (var revision = 1; revision <= Revisions; revision++)
            {
                await _backend.UpsertAsync(owner, Caller("writer"), [Doc(revision)], null, ct);
                await EveryReaderFinishesAnotherRoundAsync(rounds, readers, revision, ct);
            }
        }
        finally
        {
            await done.CancelAsync();
        }

        await Task.WhenAll(readers).WaitAsync(RoundTimeout, ct);
        Assert.Equal(texts[^1], (await _backend.GetAsync(owner, Caller("writer"), "live", ct))!.Text);
        var reads = rounds.Sum();
        Assert.True(reads >= Revisions * Readers, $"{reads} read rounds for {Revisions} revisions and {Readers} readers");
        var line = $"concurrency: {Revisions} replacing upserts of a multi-chunk document, {reads} concurrent read rounds (fetch, search, neighbour search), 0 torn reads";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage("SECURITY " + line);
    }

    /// <summary>
    /// Waits (bounded) until each reader has completed one more round than when the upsert finished; a reader that
    /// failed ends the wait with its own assertion.
    /// </summary>
    private static async Task EveryReaderFinishesAnotherRoundAsync(int[] rounds, IReadOnlyList<Task> readers, int revision, CancellationToken ct)
    {
        var before = Enumerable.Range(0, rounds.Length).Select(i => Volatile.Read(ref rounds[i])).ToArray();
        var deadline = DateTime.UtcNow + RoundTimeout;
        while (Enumerable.Range(0, rounds.Length).Any(i => Volatile.Read(ref rounds[i]) <= before[i]))
        {
            if (readers.FirstOrDefault(r => r.IsCompleted) is { } ended)
            {
                await ended;
                Assert.Fail($"a reader stopped before revision {revision} was read");
            }

            Assert.True(DateTime.UtcNow < deadline, $"readers did not finish a round within {RoundTimeout.TotalSeconds:0} s after revision {revision} was written");
            await Task.Delay(5, ct);
        }
    }

    private static TenantRoute Route(string tenant) => new(tenant, LocalIndexBackend.BackendName, TenantIsolation.Document) { Index = "shared" };

    private static TenantPrincipal Caller(string tenant) => TenantPrincipal.Operator(tenant);

    private static string Title(int revision) => $"Live document revision {revision}";

    /// <summary>Several chunks, every one carrying the revision's own marker, so a chunk of another revision is recognisable.</summary>
    private static string Text(int revision) => string.Join(' ', Enumerable.Range(0, 6).Select(i => $"Paragraph {i} of revision marker words rev{revision}x with some filler text to make the chunk long enough to split."));

    private static RetrievalDocument Doc(int revision) => new("live", Title(revision), Text(revision));

    public void Dispose()
    {
        _backend.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}

using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.Security;

/// <summary>
/// The first reads of an index a process has not opened yet, arriving together (a replica's first requests after a
/// start): every one finds the stored document, none answers as if the index were empty while another opens it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FirstReadTests : IDisposable
{
    private const int Opens = 20;
    private const int ConcurrentReads = 8;
    private readonly string _dataDir = TestData.NewFolder();

    [Fact]
    public async Task GetAsync_ConcurrentFirstReadsOfAFreshlyOpenedIndex_AllFindTheDocument()
    {
        var ct = TestContext.Current.CancellationToken;
        var route = new TenantRoute("first", LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = "first" };
        var caller = TenantPrincipal.Operator("first");
        using (var writer = Backend())
        {
            await writer.UpsertAsync(route, caller, [new RetrievalDocument("kept", "Kept", "A document that is always there.")], null, ct);
        }

        var missing = 0;
        for (var open = 0; open < Opens; open++)
        {
            // A new backend has no index open, like a process that has just started.
            using var backend = Backend();
            using var start = new ManualResetEventSlim();
            var reads = Enumerable.Range(0, ConcurrentReads).Select(_ => Task.Run(async () =>
            {
                start.Wait(ct);
                return await backend.GetAsync(route, caller, "kept", ct);
            }, ct)).ToList();
            start.Set();
            missing += (await Task.WhenAll(reads)).Count(d => d is null);
        }

        Assert.Equal(0, missing);
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private LocalIndexBackend Backend() =>
        new(Options.Create(new StorageOptions { DataDir = _dataDir }), Options.Create(new LocalBackendOptions()), TestData.Embeddings);
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using Lucene.Net.Index;
using Lucene.Net.Store;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The real <c>mcprag ingest</c> process is killed with SIGKILL at seeded random points of a large ingest into an
/// index it shares with another tenant; each round rewrites every document first, so a kill can land while a
/// document is being replaced. After every kill the index must open and answer searches, every document must be
/// wholly present in exactly one revision (all its chunks, numbered 0..n-1, with its head) or wholly absent, the
/// neighbour's documents untouched; re-running the ingest must then complete it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CrashSafetyTests : IDisposable
{
    private const int Seed = 90210;
    private const int Documents = 90;
    private const int KillPoints = 3;
    private const string Tenant = "crash-tenant";
    private const string Neighbour = "crash-neighbour";

    private static readonly string[] Words =
    [
        "router", "modem", "invoice", "refund", "warranty", "delivery", "parcel", "account", "password", "billing", "agent", "ticket",
        "escalation", "schedule", "weekend", "holiday", "credit", "voucher", "shipping", "return", "store", "online", "device", "screen",
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "crash-" + Guid.NewGuid().ToString("n"));

    private string ConfigFile => Path.Combine(_root, "mcprag.json");

    private string Corpus => Path.Combine(_root, "corpus");

    private string IndexPath => Path.Combine(_root, "data", "shared", "crash-shared");

    [Fact]
    public async Task Ingest_KilledAtRandomPoints_LeavesWholeDocumentsAndCompletesOnRerun()
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(Seed);
        await WriteDeploymentAsync();
        Assert.Equal(0, await RunIngestAsync(Neighbour, Path.Combine(_root, "neighbour"), killAfterCommits: null, random, ct));
        var neighbourChunks = ReadChunks().Where(c => c.Key.Tenant == Neighbour).ToDictionary();
        Assert.Equal(3, neighbourChunks.Count);

        var partialStates = new List<Dictionary<(string Tenant, string Id), Chunks>>();
        var killed = 0;
        for (var point = 0; point < KillPoints; point++)
        {
            await WriteCorpusAsync(random, revision: point + 1);
            var commitsBefore = CommitGeneration();
            var exit = await RunIngestAsync(Tenant, Corpus, killAfterCommits: commitsBefore + 1 + random.Next(0, 8), random, ct);
            if (exit is null)
            {
                killed++;
            }

            var state = ReadChunks();
            partialStates.Add(state);
            Assert.Equal(neighbourChunks.Keys.Order(), state.Keys.Where(k => k.Tenant == Neighbour).Order());
            await AssertSearchableAsync(state, ct);
        }

        Assert.Equal(0, await RunIngestAsync(Tenant, Corpus, killAfterCommits: null, random, ct));
        var final = ReadChunks();
        Assert.Equal(Documents, final.Keys.Count(k => k.Tenant == Tenant));
        Assert.All(final.Where(f => f.Key.Tenant == Tenant), f => Assert.EndsWith($"rev {KillPoints}", f.Value.Title, StringComparison.Ordinal));
        foreach (var (key, chunk) in partialStates[^1].Where(s => s.Value.Title.EndsWith($"rev {KillPoints}", StringComparison.Ordinal)))
        {
            Assert.True(final[key].Count == chunk.Count, $"after the last kill, '{key.Id}' had {chunk.Count} chunks; complete it has {final[key].Count} (seed {Seed})");
        }

        SecurityReport.Write($"crash safety: {KillPoints} kill points (seed {Seed}, {killed} landed mid-ingest), {Documents} documents, " +
            $"after each kill {string.Join("/", partialStates.Select(s => s.Count(k => k.Key.Tenant == Tenant && k.Value.Title.EndsWith($"rev {partialStates.IndexOf(s) + 1}", StringComparison.Ordinal))))} of {Documents} documents were in the new revision, all whole, 0 orphan chunks; re-run completed");
        Assert.True(killed == KillPoints, $"only {killed} of {KillPoints} kills landed during an ingest");
    }

    /// <summary>Runs <c>mcprag ingest</c>; with <paramref name="killAfterCommits"/>, SIGKILLs it once the index reaches that commit generation (plus a random delay). Returns the exit code, or null when killed.</summary>
    private async Task<int?> RunIngestAsync(string tenant, string folder, long? killAfterCommits, Random random, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = _root };
        foreach (var argument in new[] { RepositoryPaths.ServerDll, "ingest", "--tenant", tenant, "--config", ConfigFile, folder })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        if (killAfterCommits is { } target)
        {
            var delay = random.Next(0, 400);
            while (!process.HasExited && CommitGeneration() < target)
            {
                await Task.Delay(20, ct);
            }

            await Task.Delay(delay, ct);
            if (!process.HasExited)
            {
                await ProcessExit.KillAsync(process, "mcprag ingest");
                return null;
            }
        }

        await ProcessExit.WaitAsync(process, TimeSpan.FromMinutes(3), "mcprag ingest --tenant " + tenant, () => ProcessExit.TextAsync(stderr, "stderr"));
        Assert.True(process.ExitCode == 0, $"ingest of {tenant} failed ({process.ExitCode}): {await ProcessExit.TextAsync(stderr, "stderr")}");
        return process.ExitCode;
    }

    /// <summary>Every (tenant, document) in the index with its chunk numbers, checked whole: chunks 0..n-1 once each and a head with the document text.</summary>
    private Dictionary<(string Tenant, string Id), Chunks> ReadChunks()
    {
        var chunks = new Dictionary<(string Tenant, string Id), List<int>>();
        var titles = new Dictionary<(string Tenant, string Id), HashSet<string>>();
        var heads = new HashSet<(string, string)>();
        using var directory = FSDirectory.Open(IndexPath);
        using var reader = DirectoryReader.Open(directory);
        var live = MultiFields.GetLiveDocs(reader);
        for (var i = 0; i < reader.MaxDoc; i++)
        {
            if (live is not null && !live.Get(i))
            {
                continue;
            }

            var doc = reader.Document(i);
            var key = (doc.Get("tenant_id"), doc.Get("doc_id"));
            var chunkNo = doc.GetField("chunk_no").GetInt32Value()!.Value;
            (chunks.TryGetValue(key, out var list) ? list : chunks[key] = []).Add(chunkNo);
            (titles.TryGetValue(key, out var set) ? set : titles[key] = []).Add(doc.Get("title"));
            if (chunkNo == 0 && doc.Get("doc_text") is { Length: > 0 })
            {
                heads.Add(key);
            }
        }

        foreach (var (key, numbers) in chunks)
        {
            Assert.True(numbers.Order().SequenceEqual(Enumerable.Range(0, numbers.Count)), $"'{key.Id}' of {key.Tenant} has chunks [{string.Join(",", numbers.Order())}]: torn (seed {Seed})");
            Assert.True(heads.Contains(key), $"'{key.Id}' of {key.Tenant} has no head chunk (seed {Seed})");
            Assert.True(titles[key].Count == 1, $"'{key.Id}' of {key.Tenant} mixes revisions: {string.Join(", ", titles[key])} (seed {Seed})");
        }

        return chunks.ToDictionary(c => c.Key, c => new Chunks(c.Value.Count, titles[c.Key].Single()));
    }

    private sealed record Chunks(int Count, string Title);

    private async Task AssertSearchableAsync(Dictionary<(string Tenant, string Id), Chunks> state, CancellationToken ct)
    {
        using var backend = new LocalIndexBackend(
            Options.Create(new StorageOptions { DataDir = Path.Combine(_root, "data") }), Options.Create(new LocalBackendOptions()), Embeddings.Value);
        var route = new TenantRoute(Tenant, LocalIndexBackend.BackendName, TenantIsolation.Document) { Index = "crash-shared" };
        var caller = TenantPrincipal.Operator(Tenant);
        foreach (var index in new[] { 0, Documents / 2, Documents - 1 })
        {
            var id = DocId(index);
            var present = state.ContainsKey((Tenant, id));
            var document = await backend.GetAsync(route, caller, id, ct);
            Assert.Equal(present, document is not null);
            var page = await backend.SearchAsync(route, caller, new SearchQuery(Marker(index), 5, SearchMode.Keyword, RetrievalDocument.EmptyAttributes), ct);
            Assert.Equal(present, page.Hits.Any(h => h.Id == id));
        }
    }

    private long CommitGeneration()
    {
        if (!System.IO.Directory.Exists(IndexPath))
        {
            return 0;
        }

        return System.IO.Directory.GetFiles(IndexPath, "segments_*")
            .Select(f => Base36(Path.GetFileName(f)["segments_".Length..]))
            .DefaultIfEmpty(0)
            .Max();
    }

    /// <summary>Lucene writes commit generations in base 36 (<c>segments_a</c> follows <c>segments_9</c>).</summary>
    private static long Base36(string digits)
    {
        long value = 0;
        foreach (var c in digits)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : -1;
            if (digit < 0)
            {
                return 0;
            }

            value = (value * 36) + digit;
        }

        return value;
    }

    private async Task WriteDeploymentAsync()
    {
        System.IO.Directory.CreateDirectory(Corpus);
        System.IO.Directory.CreateDirectory(Path.Combine(_root, "neighbour"));
        var tenants = new JsonObject
        {
            ["defaults"] = new JsonObject { ["backend"] = "local" },
            ["tenants"] = new JsonObject
            {
                [Tenant] = new JsonObject { ["isolation"] = "document", ["index"] = "crash-shared" },
                [Neighbour] = new JsonObject { ["isolation"] = "document", ["index"] = "crash-shared" },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(_root, "tenants.json"), tenants.ToJsonString());
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = Path.Combine(_root, "data"),
                ["Tenants"] = new JsonObject { ["File"] = Path.Combine(_root, "tenants.json") },
                ["Local"] = new JsonObject { ["BatchDocuments"] = 5, ["Chunking"] = new JsonObject { ["ChunkWords"] = 40, ["OverlapWords"] = 5 } },
            },
        };
        await File.WriteAllTextAsync(ConfigFile, config.ToJsonString());
        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(_root, "neighbour", $"neighbour-{i}.md"), $"# Neighbour {i}\n\nThe neighbour keeps its own notes, number {i}.\n");
        }
    }

    private async Task WriteCorpusAsync(Random random, int revision)
    {
        for (var i = 0; i < Documents; i++)
        {
            var words = Enumerable.Range(0, random.Next(50, 200)).Select(_ => Words[random.Next(Words.Length)]);
            await File.WriteAllTextAsync(Path.Combine(Corpus, DocId(i) + ".md"), $"---\ntitle: Crash document {i} rev {revision}\n---\n\n{Marker(i)} {string.Join(' ', words)}\n");
        }
    }

    private static string DocId(int index) => $"crash-doc-{index:000}";

    private static string Marker(int index) => $"marker{index:000}zz";

    private static readonly Lazy<MiniLmEmbeddingGenerator> Embeddings = new(() => new MiniLmEmbeddingGenerator());

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}

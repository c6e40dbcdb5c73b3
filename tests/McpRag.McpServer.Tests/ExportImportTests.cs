using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Portability;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>
/// <c>mcprag export</c> and <c>mcprag import</c> as an operator runs them: a tenant's index exported with its vectors,
/// restored into another deployment (another data directory, another isolation mode), compared document by document
/// and by search ranking; importing twice changes nothing; a partial import is completed by the full one; files of
/// another tenant or cut short are refused with one line.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ExportImportTests : IDisposable
{
    private const string Tenant = "export-tenant";
    private const int Documents = 24;

    private static readonly string[] Queries = ["refund for a damaged parcel", "router password reset", "weekend delivery schedule", "warranty claim screen"];
    private static readonly string[] Words =
    [
        "router", "modem", "invoice", "refund", "warranty", "delivery", "parcel", "account", "password", "billing", "agent", "ticket",
        "escalation", "schedule", "weekend", "holiday", "credit", "voucher", "shipping", "return", "store", "online", "device", "screen",
    ];

    private static readonly Lazy<MiniLmEmbeddingGenerator> Embeddings = new(() => new MiniLmEmbeddingGenerator());

    private readonly string _root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "export-" + Guid.NewGuid().ToString("n"));

    private string File_(string name) => Path.Combine(_root, name);

    [Fact]
    public async Task ExportThenImport_IntoAnotherDeployment_SameDocumentsAndRanking()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await DeploymentAsync("source", new JsonObject { ["isolation"] = "index", ["index"] = "kb-source" });
        var target = await DeploymentAsync("target", new JsonObject { ["isolation"] = "document", ["index"] = "restored-shared" });
        await WriteCorpusAsync();
        McpRagCli.Ok(await Cli("ingest", "--tenant", Tenant, "--config", source.Config, File_("corpus.json")));
        var before = LocalIndexExport.Read(source.IndexPath, Tenant);
        var rankingBefore = await RankingsAsync(source, ct);
        Assert.Equal(Documents, before.Count);
        Assert.All(rankingBefore, r => Assert.False(r.EndsWith(": ", StringComparison.Ordinal), r));

        var export = McpRagCli.Ok(await Cli("export", "--tenant", Tenant, "--out", File_("backup/export.jsonl"), "--vectors", "--config", source.Config));
        var (header, exported) = await TenantExportFile.ReadAsync(File_("backup/export.jsonl"), ct);
        McpRagCli.Ok(await Cli("import", "--tenant", Tenant, File_("backup/export.jsonl"), "--config", target.Config));

        var after = LocalIndexExport.Read(target.IndexPath, Tenant);
        Assert.Equal((Tenant, Documents, MiniLmEmbeddingGenerator.ModelId, MiniLmEmbeddingGenerator.Dimensions), (header.Tenant, header.Documents, header.Model, header.Dimensions));
        Assert.Contains(exported, d => d.Vector is not null);
        Assert.Contains($"{Documents} documents exported", export.Stderr, StringComparison.Ordinal);
        AssertSameDocuments(before, after);
        Assert.Equal(rankingBefore, await RankingsAsync(target, ct));
    }

    [Fact]
    public async Task Import_RunTwiceOrAfterPartialImport_WritesOnlyWhatIsMissing()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await DeploymentAsync("source", new JsonObject { ["isolation"] = "index", ["index"] = "kb-source" });
        var target = await DeploymentAsync("target", new JsonObject { ["isolation"] = "index", ["index"] = "kb-target" });
        await WriteCorpusAsync();
        McpRagCli.Ok(await Cli("ingest", "--tenant", Tenant, "--config", source.Config, File_("corpus.json")));
        McpRagCli.Ok(await Cli("export", "--tenant", Tenant, "--out", File_("export.jsonl"), "--config", source.Config));
        var (header, documents) = await TenantExportFile.ReadAsync(File_("export.jsonl"), ct);
        Assert.All(documents, d => Assert.Null(d.Vector));
        Assert.Null(header.Model);

        // A first import that got only half way (as an interrupted run leaves it), then the whole file.
        await TenantExportFile.WriteAsync(File_("half.jsonl"), header with { Documents = Documents / 2 }, documents.Take(Documents / 2).ToList(), ct);
        McpRagCli.Ok(await Cli("import", "--tenant", Tenant, File_("half.jsonl"), "--config", target.Config));
        Assert.Equal(Documents / 2, LocalIndexExport.Read(target.IndexPath, Tenant).Count);
        McpRagCli.Ok(await Cli("import", "--tenant", Tenant, File_("export.jsonl"), "--config", target.Config));
        var commits = Commits(target.IndexPath);
        var again = McpRagCli.Ok(await Cli("import", "--tenant", Tenant, File_("export.jsonl"), "--config", target.Config));

        Assert.Contains("0 chunks written", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(commits, Commits(target.IndexPath));
        AssertSameDocuments(LocalIndexExport.Read(source.IndexPath, Tenant), LocalIndexExport.Read(target.IndexPath, Tenant));
    }

    [Fact]
    public async Task Import_FileOfAnotherTenantOrCutShort_RefusedWithOneLine()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = await DeploymentAsync("target", new JsonObject { ["isolation"] = "index", ["index"] = "kb-target" });
        var document = new RetrievalDocument("doc-1", "One", "A single document.");
        await TenantExportFile.WriteAsync(File_("other.jsonl"), new TenantExportHeader("other-tenant", 1, null, null, DateTimeOffset.UnixEpoch), [(document, null)], ct);
        await TenantExportFile.WriteAsync(File_("mine.jsonl"), new TenantExportHeader(Tenant, 1, null, null, DateTimeOffset.UnixEpoch), [(document, null)], ct);
        var lines = await File.ReadAllLinesAsync(File_("mine.jsonl"), ct);
        await File.WriteAllLinesAsync(File_("cut.jsonl"), lines[..^1], ct);

        var other = await Cli("import", "--tenant", Tenant, File_("other.jsonl"), "--config", target.Config);
        var cut = await Cli("import", "--tenant", Tenant, File_("cut.jsonl"), "--config", target.Config);

        Assert.Equal(2, other.ExitCode);
        Assert.Contains("holds the documents of tenant 'other-tenant'", other.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, cut.ExitCode);
        Assert.Contains("is incomplete", cut.Stderr, StringComparison.Ordinal);
        Assert.All(new[] { other.Stderr, cut.Stderr }, e => Assert.Single(e.Trim().Split('\n')));
        Assert.False(Directory.Exists(target.IndexPath) && Commits(target.IndexPath) > 0);
    }

    private static void AssertSameDocuments(IReadOnlyList<LocalIndexExport.ExportedDocument> expected, IReadOnlyList<LocalIndexExport.ExportedDocument> actual)
    {
        Assert.Equal(expected.Select(d => d.Document.Id).Order(), actual.Select(d => d.Document.Id).Order());
        var byId = actual.ToDictionary(d => d.Document.Id);
        foreach (var (document, vector) in expected)
        {
            var other = byId[document.Id];
            Assert.Equal((document.Title, document.Url, document.Text), (other.Document.Title, other.Document.Url, other.Document.Text));
            Assert.Equal(document.Attributes.OrderBy(a => a.Key).Select(a => $"{a.Key}={string.Join('|', a.Value)}"), other.Document.Attributes.OrderBy(a => a.Key).Select(a => $"{a.Key}={string.Join('|', a.Value)}"));
            Assert.Equal(document.ContentHash(), other.Document.ContentHash());
            Assert.Equal(vector is null, other.Vector is null);
        }
    }

    private static async Task<List<string>> RankingsAsync(Deployment deployment, CancellationToken ct)
    {
        using var backend = new LocalIndexBackend(
            Options.Create(new StorageOptions { DataDir = deployment.DataDir }), Options.Create(new LocalBackendOptions()), Embeddings.Value);
        var caller = TenantPrincipal.Operator(Tenant);
        var rankings = new List<string>();
        foreach (var mode in new[] { SearchMode.Keyword, SearchMode.Hybrid, SearchMode.Semantic })
        {
            foreach (var query in Queries)
            {
                var page = await backend.SearchAsync(deployment.Route, caller, new SearchQuery(query, 8, mode, RetrievalDocument.EmptyAttributes), ct);
                rankings.Add($"{mode} '{query}': {string.Join(", ", page.Hits.Select(h => h.Id))}");
            }
        }

        return rankings;
    }

    private static long Commits(string indexPath)
    {
        using var directory = Lucene.Net.Store.FSDirectory.Open(indexPath);
        return Lucene.Net.Index.DirectoryReader.IndexExists(directory) ? Lucene.Net.Index.DirectoryReader.ListCommits(directory).Max(c => c.Generation) : 0;
    }

    private sealed record Deployment(string Config, string DataDir, TenantRoute Route, string IndexPath);

    private async Task<Deployment> DeploymentAsync(string name, JsonObject route)
    {
        var dataDir = Path.Combine(_root, name, "data");
        Directory.CreateDirectory(dataDir);
        var tenants = new JsonObject { ["defaults"] = new JsonObject { ["backend"] = "local" }, ["tenants"] = new JsonObject { [Tenant] = route.DeepClone() } };
        await File.WriteAllTextAsync(Path.Combine(_root, name, "tenants.json"), tenants.ToJsonString());
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = dataDir,
                ["Tenants"] = new JsonObject { ["File"] = Path.Combine(_root, name, "tenants.json") },
                ["Local"] = new JsonObject { ["BatchDocuments"] = 5, ["Chunking"] = new JsonObject { ["ChunkWords"] = 40, ["OverlapWords"] = 5 } },
            },
        };
        var configFile = Path.Combine(_root, name, "mcprag.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString());
        var isolation = route["isolation"]!.GetValue<string>() == "index" ? TenantIsolation.Index : TenantIsolation.Document;
        var tenantRoute = new TenantRoute(Tenant, LocalIndexBackend.BackendName, isolation) { Index = route["index"]!.GetValue<string>() };
        var indexPath = Path.Combine(dataDir, isolation == TenantIsolation.Index ? "indexes" : "shared", tenantRoute.Index!);
        return new Deployment(configFile, dataDir, tenantRoute, indexPath);
    }

    /// <summary>Short (one chunk, so the export carries their vectors) and long documents, with single- and multi-valued attributes and URLs.</summary>
    private async Task WriteCorpusAsync()
    {
        var random = new Random(4711);
        var documents = new JsonArray();
        for (var i = 0; i < Documents; i++)
        {
            var words = string.Join(' ', Enumerable.Range(0, i % 3 == 0 ? 20 : random.Next(60, 220)).Select(_ => Words[random.Next(Words.Length)]));
            documents.Add(new JsonObject
            {
                ["id"] = $"doc-{i:00}",
                ["title"] = $"Support article {i}: {Words[i % Words.Length]}",
                ["url"] = i % 2 == 0 ? $"https://help.example.com/articles/{i}" : null,
                ["text"] = $"Article {i} covers {Words[(i * 7) % Words.Length]}. {words}",
                ["attributes"] = new JsonObject
                {
                    ["category"] = i % 4 == 0 ? "billing" : "devices",
                    ["tags"] = new JsonArray(Words[i % Words.Length], Words[(i + 5) % Words.Length]),
                },
            });
        }

        Directory.CreateDirectory(_root);
        await File.WriteAllTextAsync(File_("corpus.json"), documents.ToJsonString());
    }

    private Task<McpRagCli.Outcome> Cli(params string[] arguments) => McpRagCli.RunAsync(_root, null, arguments);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Diagnostics;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Portability;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The real process killed (SIGKILL, by itself, via <c>MCPRAG_TEST_CRASH_AT</c>) at named steps of every write path:
/// <c>ingest</c>, <c>import</c> (the write path <c>migrate</c> shares), and <c>upsert_document</c> / <c>delete_document</c>
/// over HTTP. Each point starts from a copy of one deployment: a tenant and a neighbour in a shared index, and another
/// tenant on its own index. After each kill: the index passes <c>LocalIndexCheck</c> (Lucene CheckIndex, every document
/// whole and in one revision), the tenant's documents are exactly what was acknowledged (a write interrupted before its
/// commit is absent, one interrupted after it is whole), the neighbour and the other index are unchanged, and running
/// the interrupted work again completes it exactly.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CrashPointTests(CrashPointTests.BaseDeployment deployment) : IClassFixture<CrashPointTests.BaseDeployment>, IDisposable
{
    private const string Tenant = "cp-tenant";
    private const string Neighbour = "cp-neighbour";
    private const string Other = "cp-other";
    private const int KilledExitCode = 137;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "crashpoint-" + Guid.NewGuid().ToString("n"));

    public static TheoryData<string, string> CliPoints => new()
    {
        { "ingest", $"{CrashPoints.DocumentWritten}:1" },
        { "ingest", $"{CrashPoints.DocumentWritten}:6" },
        { "ingest", $"{CrashPoints.BeforeCommit}:1" },
        { "ingest", $"{CrashPoints.BeforeCommit}:3" },
        { "ingest", $"{CrashPoints.CommitPrepared}:1" },
        { "ingest", $"{CrashPoints.CommitPrepared}:4" },
        { "ingest", $"{CrashPoints.AfterCommit}:2" },
        { "ingest", $"{CrashPoints.AfterCommit}:4" },
        { "import", $"{CrashPoints.DocumentWritten}:3" },
        { "import", $"{CrashPoints.DocumentWritten}:11" },
        { "import", $"{CrashPoints.BeforeCommit}:2" },
        { "import", $"{CrashPoints.CommitPrepared}:3" },
        { "import", $"{CrashPoints.AfterCommit}:1" },
        { "import", $"{CrashPoints.AfterCommit}:3" },
    };

    /// <summary>The HTTP sequence: upsert new, replace, delete, upsert new, delete; one commit each.</summary>
    public static TheoryData<string> HttpPoints => new()
    {
        $"{CrashPoints.BeforeCommit}:1",
        $"{CrashPoints.CommitPrepared}:2",
        $"{CrashPoints.AfterCommit}:3",
        $"{CrashPoints.BeforeCommit}:4",
        $"{CrashPoints.CommitPrepared}:5",
        $"{CrashPoints.AfterCommit}:5",
        $"{CrashPoints.DocumentWritten}:2",
        $"{CrashPoints.DocumentDeleted}:1",
        $"{CrashPoints.DocumentDeleted}:2",
    };

    [Theory]
    [MemberData(nameof(CliPoints))]
    public async Task Verb_KilledAtStep_IndexWholeAndRerunCompletes(string verb, string point)
    {
        var config = await deployment.CopyToAsync(_root);
        string[] arguments = verb == "ingest"
            ? ["ingest", "--tenant", Tenant, "--config", config, deployment.Revision2Folder]
            : ["import", "--tenant", Tenant, deployment.Revision2Export, "--config", config];

        var crashed = await McpRagCli.RunAsync(_root, new Dictionary<string, string> { [CrashPoints.Variable] = point }, arguments);

        Assert.True(crashed.ExitCode == KilledExitCode, $"{verb} at {point}: exit {crashed.ExitCode}, not killed: {crashed.Stderr}");
        var state = Verify();
        Assert.All(state, d => Assert.Contains(d.Value, new[] { BaseDeployment.Title(d.Key, 1), BaseDeployment.Title(d.Key, 2) }));
        Assert.All(Enumerable.Range(0, BaseDeployment.Revision1Documents), i => Assert.True(state.ContainsKey(BaseDeployment.Id(i)), $"{BaseDeployment.Id(i)} lost at {point}"));
        var rev2 = Math.Min(BaseDeployment.Revision2Documents, CommittedBatches(point) * BaseDeployment.Batch);
        Assert.Equal((rev2, Math.Max(BaseDeployment.Revision1Documents, rev2)), (state.Values.Count(t => t.EndsWith("rev 2", StringComparison.Ordinal)), state.Count));

        var rerun = await McpRagCli.RunAsync(_root, null, arguments);

        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        var final = Verify();
        Assert.Equal(BaseDeployment.Revision2Documents, final.Count);
        Assert.All(final, d => Assert.Equal(BaseDeployment.Title(d.Key, 2), d.Value));
    }

    /// <summary>Every document of revision 2 is changed, so each batch of four is one commit; a kill leaves exactly the batches committed before it.</summary>
    private static int CommittedBatches(string point) => point.Split(':') switch
    {
        [CrashPoints.AfterCommit, var n] => int.Parse(n),
        [CrashPoints.BeforeCommit or CrashPoints.CommitPrepared, var n] => int.Parse(n) - 1,
        [CrashPoints.DocumentWritten, var n] => (int.Parse(n) - 1) / BaseDeployment.Batch,
        _ => throw new ArgumentException(point),
    };

    [Theory]
    [MemberData(nameof(HttpPoints))]
    public async Task HttpWrites_ServerKilledAtStep_AcknowledgedWritesExactAndRetryCompletes(string point)
    {
        var configFile = await deployment.CopyToAsync(_root);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(configFile, TestContext.Current.CancellationToken))!.AsObject();
        config["McpRag"]!["Audit"] = new JsonObject { ["Directory"] = "" };
        var operations = Operations();
        var expected = Verify();
        var crashedAt = -1;
        // Replicas of one deployment share its resource URL, which the test tokens name as their audience.
        config["McpRag"]!["Auth"] = new JsonObject { ["ResourceUrl"] = deployment.Tokens.Audience };
        await using (var server = await ServerProcess.StartAsync(Path.Combine(_root, "serve.json"), config, new Dictionary<string, string> { [CrashPoints.Variable] = point }))
        await using (var client = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid(Tenant, scope: "rag:read rag:write")))
        {
            for (var i = 0; i < operations.Count && crashedAt < 0; i++)
            {
                try
                {
                    var result = await client.CallAsync(operations[i].Tool, operations[i].Arguments);
                    result.Ok();
                    operations[i].Apply(expected);
                }
                catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
                {
                    crashedAt = i;
                }
            }

            await WaitForExitAsync(server);
            Assert.True(crashedAt >= 0 && server.ExitCode == KilledExitCode, $"at {point}: crashed at operation {crashedAt}, exit {(server.HasExited ? server.ExitCode : -1)}");
        }

        // Interrupted after its commit: whole and present; before: absent. Every acknowledged write is there either way.
        if (point.StartsWith(CrashPoints.AfterCommit, StringComparison.Ordinal))
        {
            operations[crashedAt].Apply(expected);
        }

        Assert.Equal(expected.OrderBy(e => e.Key), Verify().OrderBy(e => e.Key));

        // Replicas of one deployment share its resource URL, which the test tokens name as their audience.
        config["McpRag"]!["Auth"] = new JsonObject { ["ResourceUrl"] = deployment.Tokens.Audience };
        await using (var server = await ServerProcess.StartAsync(Path.Combine(_root, "serve.json"), config))
        await using (var client = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid(Tenant, scope: "rag:read rag:write")))
        {
            for (var i = crashedAt; i < operations.Count; i++)
            {
                var result = await client.CallAsync(operations[i].Tool, operations[i].Arguments);

                // A delete that was committed before the kill is answered as already gone when retried.
                if (!(i == crashedAt && operations[i].Tool == "delete_document" && point.StartsWith(CrashPoints.AfterCommit, StringComparison.Ordinal) && result.ErrorCode() == "not_found"))
                {
                    result.Ok();
                }

                operations[i].Apply(expected);
            }
        }

        Assert.Equal(expected.OrderBy(e => e.Key), Verify().OrderBy(e => e.Key));
    }

    private sealed record Operation(string Tool, Dictionary<string, object?> Arguments, Action<Dictionary<string, string>> Apply);

    private static List<Operation> Operations()
    {
        static Operation Upsert(string id, string title, int words) => new(
            "upsert_document",
            new() { ["id"] = id, ["title"] = title, ["text"] = BaseDeployment.Text(id, words) },
            state => state[id] = title);
        static Operation Delete(string id) => new("delete_document", new() { ["id"] = id }, state => state.Remove(id));
        return
        [
            Upsert("http-new-1", "HTTP new 1", 150),
            Upsert(BaseDeployment.Id(1), BaseDeployment.Title(BaseDeployment.Id(1), 3), 180),
            Delete(BaseDeployment.Id(2)),
            Upsert("http-new-2", "HTTP new 2", 30),
            Delete(BaseDeployment.Id(3)),
        ];
    }

    private static async Task WaitForExitAsync(ServerProcess server)
    {
        for (var i = 0; i < 600 && !server.HasExited; i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Checks the shared index, the neighbour and the other index; returns the tenant's documents (id → title).</summary>
    private Dictionary<string, string> Verify()
    {
        var shared = Path.Combine(_root, "data", "shared", "cp-shared");
        var report = LocalIndexCheck.Run(shared, "all-MiniLM-L6-v2", 384);
        Assert.True(report.Healthy, string.Join("; ", report.Problems));
        var neighbour = LocalIndexExport.Read(shared, Neighbour).Select(d => d.Document.ContentHash()).Order().ToList();
        Assert.Equal(deployment.NeighbourHashes, neighbour);
        Assert.Equal(deployment.OtherIndexFiles, BaseDeployment.FileHashes(Path.Combine(_root, "data", "indexes", "cp-other")));
        return LocalIndexExport.Read(shared, Tenant).ToDictionary(d => d.Document.Id, d => d.Document.Title);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>
    /// Built once: the neighbour and the other tenant ingested, the tenant at revision 1 (12 documents), and revision 2
    /// (the 12 changed plus 2 new) as a folder for ingest and as an export file for import.
    /// </summary>
    public sealed class BaseDeployment : IAsyncLifetime
    {
        public const int Revision1Documents = 12;
        public const int Revision2Documents = 14;
        public const int Batch = 4;

        private static readonly string[] Words = ["router", "modem", "invoice", "refund", "warranty", "delivery", "parcel", "account", "password", "billing", "agent", "ticket"];

        private readonly string _root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "crashbase-" + Guid.NewGuid().ToString("n"));
        private readonly SampleDeployment _samples;

        public BaseDeployment(SampleDeployment samples) => _samples = samples;

        public TestTokens Tokens => _samples.Tokens;

        public string Revision2Folder => Path.Combine(_root, "rev2");

        public string Revision2Export => Path.Combine(_root, "rev2.jsonl");

        public IReadOnlyList<string> NeighbourHashes { get; private set; } = [];

        public IReadOnlyDictionary<string, string> OtherIndexFiles { get; private set; } = new Dictionary<string, string>();

        public static string Id(int i) => $"cp-doc-{i:00}";

        public static string Title(string id, int revision) => $"{id} rev {revision}";

        /// <summary>Deterministic text; long ones span several chunks, so a torn replacement would show.</summary>
        public static string Text(string seed, int words)
        {
            var random = new Random(seed.Aggregate(17, (h, c) => (h * 31) + c));
            return string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));
        }

        public async ValueTask InitializeAsync()
        {
            var config = await WriteConfigAsync(_root);
            await WriteFolderAsync(Path.Combine(_root, "neighbour"), Enumerable.Range(0, 3).Select(i => ($"n-{i}", $"Neighbour {i}", 60)));
            await WriteFolderAsync(Path.Combine(_root, "other"), Enumerable.Range(0, 3).Select(i => ($"o-{i}", $"Other {i}", 60)));
            await WriteFolderAsync(Path.Combine(_root, "rev1"), Enumerable.Range(0, Revision1Documents).Select(i => (Id(i), Title(Id(i), 1), i % 3 == 0 ? 30 : 160)));
            await WriteFolderAsync(Revision2Folder, Enumerable.Range(0, Revision2Documents).Select(i => (Id(i), Title(Id(i), 2), i % 3 == 1 ? 25 : 170)));
            foreach (var (tenant, folder) in new[] { (Neighbour, "neighbour"), (Other, "other"), (Tenant, "rev1") })
            {
                var outcome = await McpRagCli.RunAsync(_root, null, "ingest", "--tenant", tenant, "--config", config, Path.Combine(_root, folder));
                Assert.True(outcome.ExitCode == 0, outcome.Stderr);
            }

            var documents = DocumentLoader.Enumerate([Revision2Folder]).SelectMany(f => DocumentLoader.Load(f.File, f.Root)).Select(d => (d, (float[]?)null)).ToList();
            await TenantExportFile.WriteAsync(Revision2Export, new TenantExportHeader(Tenant, documents.Count, null, null, DateTimeOffset.UnixEpoch), documents, CancellationToken.None);
            NeighbourHashes = LocalIndexExport.Read(Path.Combine(_root, "data", "shared", "cp-shared"), Neighbour).Select(d => d.Document.ContentHash()).Order().ToList();
            OtherIndexFiles = FileHashes(Path.Combine(_root, "data", "indexes", "cp-other"));
            Assert.Equal(3, NeighbourHashes.Count);
        }

        /// <summary>A copy of the deployment's data under <paramref name="root"/>, with its own configuration; returns the configuration file.</summary>
        public async Task<string> CopyToAsync(string root)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, "data"), "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(root, Path.GetRelativePath(_root, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            File.Copy(Path.Combine(_samples.DataDir, "dev-signing-key.json"), Path.Combine(root, "data", "dev-signing-key.json"), overwrite: true);
            return await WriteConfigAsync(root);
        }

        public static IReadOnlyDictionary<string, string> FileHashes(string folder) =>
            Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != "write.lock")
                .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

        private static async Task<string> WriteConfigAsync(string root)
        {
            Directory.CreateDirectory(root);
            var tenants = new JsonObject
            {
                ["defaults"] = new JsonObject { ["backend"] = "local" },
                ["tenants"] = new JsonObject
                {
                    [Tenant] = new JsonObject { ["isolation"] = "document", ["index"] = "cp-shared" },
                    [Neighbour] = new JsonObject { ["isolation"] = "document", ["index"] = "cp-shared" },
                    [Other] = new JsonObject { ["isolation"] = "index", ["index"] = "cp-other" },
                },
            };
            await File.WriteAllTextAsync(Path.Combine(root, "tenants.json"), tenants.ToJsonString());
            var config = new JsonObject
            {
                ["McpRag"] = new JsonObject
                {
                    ["DataDir"] = Path.Combine(root, "data"),
                    ["Tenants"] = new JsonObject { ["File"] = Path.Combine(root, "tenants.json") },
                    ["Local"] = new JsonObject { ["BatchDocuments"] = Batch, ["Chunking"] = new JsonObject { ["ChunkWords"] = 40, ["OverlapWords"] = 5 } },
                },
            };
            var file = Path.Combine(root, "mcprag.json");
            await File.WriteAllTextAsync(file, config.ToJsonString());
            return file;
        }

        private static async Task WriteFolderAsync(string folder, IEnumerable<(string Id, string Title, int Words)> documents)
        {
            Directory.CreateDirectory(folder);
            foreach (var (id, title, words) in documents)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, id + ".md"), $"---\ntitle: {title}\n---\n\n{Text(id + title, words)}\n");
            }
        }

        public ValueTask DisposeAsync()
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }

            return ValueTask.CompletedTask;
        }
    }
}

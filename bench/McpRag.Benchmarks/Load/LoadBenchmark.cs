using System.Text.Json.Nodes;
using McpRag.Benchmarks.Encode;
using McpRag.Benchmarks.Hosting;
using McpRag.Benchmarks.Reporting;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// Tool-call latency, throughput and server CPU per call over MCP, all in one run so every ratio is taken from
/// figures measured minutes apart: the real HTTP server (stateless streamable HTTP, JWT on every request) in a
/// process of its own with a sample tenant's knowledge base — <c>tools/list</c>, the no-op tool, <c>fetch</c>
/// and <c>search</c> in each mode — then the TypeScript reference server's <c>echo</c> as the peer, the model's
/// batched encode ceiling on the very queries the 16-client searches sent, and the real
/// <c>mcprag serve --transport stdio</c> process for stdio latency. Every call's query text differs.
/// </summary>
internal sealed class LoadBenchmark(BenchPaths paths, LoadGenerator generator, IReadOnlyList<int> concurrency, int sequentialCalls, bool peer, bool stdioToo = true)
{
    public const string Tenant = "load";

    /// <summary>The concurrency whose searches the encode ceiling re-encodes (or the nearest level run).</summary>
    public const int CeilingClients = 16;

    public async Task<LoadResults> RunAsync(CancellationToken cancellationToken)
    {
        var loadAtStart = MachineInfo.LoadAverageNow();
        var folder = Path.Combine(paths.Data, "load");
        var deployment = BenchDeployment.Create(folder, new Dictionary<string, JsonObject>
        {
            [Tenant] = new() { ["isolation"] = "index", ["index"] = Tenant, ["quota"] = BenchDeployment.UnthrottledQuota() },
        }, LocalSettings.Product);
        var (ids, chunks) = await IngestSamplesAsync(deployment, cancellationToken);
        var queries = LoadQueries.FromSamples(paths);

        var sequential = new Dictionary<string, Summary>(StringComparer.Ordinal);
        var stdio = new Dictionary<string, Summary>(StringComparer.Ordinal);
        var results = new List<ConcurrencyResult>();
        string? peerVersion = null;
        double serverRss;
        await using (var server = await LoadServerProcess.StartAsync(paths, deployment.DataDir, cancellationToken))
        {
            Console.Error.WriteLine($"load: server process {server.ProcessId} at {server.Endpoint}");
            Task<McpClient> Connect(CancellationToken ct) => BenchDeployment.ConnectAsync(server.Endpoint, server.Token, ct);
            var targets = new List<LoadTarget>
            {
                new("tools/list", Connect, async (c, _, ct) => await c.ListToolsAsync(cancellationToken: ct)),
                new("noop", Connect, (c, _, ct) => CallAsync(c, "noop", [], ct)),
                new("fetch", Connect, (c, i, ct) => CallAsync(c, "fetch", new() { ["id"] = ids[i % ids.Count] }, ct)),
            };
            foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
            {
                targets.Add(new("search " + mode, Connect, (c, i, ct) => CallAsync(c, "search", new() { ["query"] = queries.For(i), ["mode"] = mode }, ct)));
            }

            await RunTargetsAsync(targets, server.CpuTime, sequential, results, cancellationToken);
            serverRss = server.RssMb();

            (string Script, string Version)? installed = peer ? await PeerServer.InstallAsync(Path.Combine(paths.Data, "peer"), cancellationToken) : null;
            if (installed is { } p)
            {
                await using var peerServer = await PeerServer.StartHttpAsync(p.Script, p.Version, cancellationToken);
                peerVersion = p.Version;
                var echo = new LoadTarget("peer echo", peerServer.ConnectAsync, (c, i, ct) => CallAsync(c, "echo", new() { ["message"] = queries.For(i) }, ct));
                await RunTargetsAsync([echo], peerServer.CpuTime, sequential, results, cancellationToken);
            }

            Console.Error.WriteLine(stdioToo ? "load: stdio, sequential" : "load: stdio skipped");
            var serverDll = Path.Combine(AppContext.BaseDirectory, "mcprag.dll");
            foreach (var mode in stdioToo ? new[] { "keyword", "hybrid" } : [])
            {
                var target = new LoadTarget("search " + mode, ct => ConnectStdioAsync(serverDll, deployment, server, ct), (c, i, ct) => CallAsync(c, "search", new() { ["query"] = queries.For(i), ["mode"] = mode }, ct));
                stdio[target.Name] = await generator.SequentialAsync(target, sequentialCalls, cancellationToken, ownProcess: true);
            }

            if (stdioToo && installed is { } stdioPeer)
            {
                var target = new LoadTarget("peer echo", ct => PeerServer.ConnectStdioAsync(stdioPeer.Script, ct), (c, i, ct) => CallAsync(c, "echo", new() { ["message"] = queries.For(i) }, ct));
                stdio[target.Name] = await generator.SequentialAsync(target, sequentialCalls, cancellationToken, ownProcess: true);
            }
        }

        var ceiling = await CeilingAsync(results, queries, cancellationToken);
        return new LoadResults(sequential, stdio, results, peerVersion, ids.Count, chunks)
        {
            Ceiling = ceiling,
            LoadAverage = $"{loadAtStart} at the start, {MachineInfo.LoadAverageNow()} at the end",
            ServerRssMb = serverRss,
        };
    }

    private async Task RunTargetsAsync(IReadOnlyList<LoadTarget> targets, Func<TimeSpan> serverCpu, Dictionary<string, Summary> sequential, List<ConcurrencyResult> results, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            Console.Error.WriteLine($"load: {target.Name} over HTTP, warm-up");
            await generator.WarmAsync(target, cancellationToken);
        }

        foreach (var target in targets)
        {
            Console.Error.WriteLine($"load: {target.Name} over HTTP, sequential");
            sequential[target.Name] = await generator.SequentialAsync(target, sequentialCalls, cancellationToken);
            foreach (var clients in concurrency)
            {
                var result = await generator.ConcurrentAsync(target, clients, serverCpu, cancellationToken);
                Console.Error.WriteLine($"load: {target.Name} over HTTP, {clients} clients: {result.CallsPerSecond.Median:0} calls/s, server {result.ServerCpuMsPerCall:0.00} CPU ms/call");
                results.Add(result);
            }
        }
    }

    /// <summary>
    /// The model alone on the queries the hybrid searches at <see cref="CeilingClients"/> clients sent, in the
    /// server's query batches, by as many callers as the server runs query batches at once, in this process while
    /// the servers are stopped (so nothing else runs). The server's default ONNX Runtime settings. Then the query
    /// embedding alone: the first 300 of them one at a time by one caller, for the 1-client latency target.
    /// </summary>
    private static async Task<EncodeCeiling?> CeilingAsync(IReadOnlyList<ConcurrencyResult> results, LoadQueries queries, CancellationToken cancellationToken)
    {
        var phase = results.Where(r => r.Target == "search hybrid").OrderBy(r => Math.Abs(r.Clients - CeilingClients)).FirstOrDefault();
        if (phase is null)
        {
            return null;
        }

        var texts = Enumerable.Range(phase.FirstSequence, Math.Min(phase.LastSequence - phase.FirstSequence + 1, 4_000)).Select(queries.For).ToList();
        var scheduler = new EmbeddingSchedulerOptions();
        using var model = new MiniLmEmbeddingGenerator();
        model.Warm();
        await model.GenerateAsync(texts.Take(scheduler.QueryBatchMaxSize), EmbeddingPurpose.Query(), cancellationToken);
        Console.Error.WriteLine($"load: encode ceiling on {texts.Count} queries of the hybrid phase at {phase.Clients} clients");
        var ceiling = await EncodeCeiling.MeasureAsync(model, texts, scheduler.MaxConcurrent, scheduler.QueryBatchMaxSize, cancellationToken);
        var alone = await EncodeCeiling.MeasureAsync(model, texts.Take(300).ToList(), callers: 1, batchSize: 1, cancellationToken);
        return ceiling with { SingleQueryMs = alone.BatchMs };
    }

    private static async Task CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        if (result.IsError == true)
        {
            throw new InvalidOperationException($"{tool} failed during the load test: " + string.Join(' ', result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text)));
        }
    }

    /// <summary>
    /// The stdio server of the same deployment, configured with the HTTP server's resource URL as its audience (as
    /// a deployment serving both transports would be), so the one token the benchmark has is valid for both.
    /// </summary>
    private static Task<McpClient> ConnectStdioAsync(string serverDll, BenchDeployment deployment, LoadServerProcess server, CancellationToken cancellationToken) =>
        McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "mcprag",
                Command = "dotnet",
                Arguments = [serverDll, "serve", "--transport", "stdio", "--config", deployment.ConfigFile, "--dev"],
                WorkingDirectory = deployment.DataDir,
                EnvironmentVariables = new Dictionary<string, string?>
                {
                    ["MCPRAG_TOKEN"] = server.Token,
                    ["McpRag__Auth__ResourceUrl"] = server.Endpoint.ToString(),
                },
            }),
            cancellationToken: cancellationToken);

    /// <summary>The sample telecom tenant's documents, through the same loader and write path as <c>mcprag ingest</c>.</summary>
    private async Task<(IReadOnlyList<string> Ids, int Chunks)> IngestSamplesAsync(BenchDeployment deployment, CancellationToken cancellationToken)
    {
        await using var services = deployment.BuildRetrieval();
        var backend = services.GetRequiredService<LocalIndexBackend>();
        var documents = DocumentLoader.Enumerate([Path.Combine(paths.Root, "samples", "documents", "tenant-a")])
            .SelectMany(f => DocumentLoader.Load(f.File, f.Root)).ToList();
        var route = new TenantRoute(Tenant, LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = Tenant };
        await backend.UpsertAsync(route, TenantPrincipal.Operator(Tenant), documents, null, cancellationToken);
        var chunker = new TextChunker(new ChunkingOptions());
        return (documents.Select(d => d.Id).ToList(), documents.Sum(d => Math.Max(1, chunker.Split(d.Text).Count)));
    }
}

using System.Text.Json.Nodes;
using McpRag.Benchmarks.Hosting;
using McpRag.Benchmarks.Reporting;
using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace McpRag.Benchmarks.Load;

/// <summary>
/// Tool-call latency and throughput over MCP: the real HTTP server (stateless streamable HTTP, JWT on every
/// request) with a sample tenant's knowledge base, <c>search</c> in each mode against the no-op tool, the real
/// <c>mcprag serve --transport stdio</c> process for stdio latency, and the TypeScript reference server's
/// <c>echo</c> as the peer, all driven by the same client code in the same run.
/// </summary>
internal sealed class LoadBenchmark(BenchPaths paths, LoadGenerator generator, IReadOnlyList<int> concurrency, int sequentialCalls, bool peer, bool stdioToo = true)
{
    public const string Tenant = "load";

    /// <summary>Questions a support agent might ask of the sample telecom knowledge base; calls rotate through them.</summary>
    private static readonly string[] Queries =
    [
        "how do I get a refund", "international roaming charges", "activate esim on a new phone", "unlock my device",
        "data overage throttling", "port my number to another carrier", "set up voicemail", "network outage in my area",
        "double charge on my bill", "insurance claim for cracked screen", "reset my password", "business hours",
        "late payment suspension", "fair use policy", "replace physical sim card", "autopay and paperless billing",
    ];

    public async Task<LoadResults> RunAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(paths.Data, "load");
        var deployment = BenchDeployment.Create(folder, new Dictionary<string, JsonObject>
        {
            // Quotas raised so the figures measure the server, not the sample tenant's rate limits.
            [Tenant] = new()
            {
                ["isolation"] = "index",
                ["index"] = Tenant,
                ["quota"] = new JsonObject { ["requestsPerMinute"] = 1_000_000, ["burst"] = 1_000_000, ["subjectRequestsPerMinute"] = 1_000_000, ["subjectBurst"] = 1_000_000, ["maxConcurrent"] = 1_000 },
            },
        }, LocalSettings.Product);
        var (documents, chunks) = await IngestSamplesAsync(deployment, cancellationToken);

        var sequential = new Dictionary<string, Summary>(StringComparer.Ordinal);
        var stdio = new Dictionary<string, Summary>(StringComparer.Ordinal);
        var results = new List<ConcurrencyResult>();
        string? peerVersion = null;
        await using (var app = await deployment.StartHttpAsync())
        {
            var endpoint = BenchDeployment.EndpointOf(app);
            var token = BenchDeployment.TokenFor(app.Services, Tenant);
            var targets = new List<LoadTarget>
            {
                new("noop", ct => BenchDeployment.ConnectAsync(endpoint, token, ct), (c, _, ct) => CallAsync(c, "noop", [], ct)),
            };
            foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
            {
                targets.Add(new("search " + mode, ct => BenchDeployment.ConnectAsync(endpoint, token, ct), (c, i, ct) => SearchAsync(c, i, mode, ct)));
            }

            PeerServer? peerServer = null;
            (string Script, string Version)? installed = peer ? await PeerServer.InstallAsync(Path.Combine(paths.Data, "peer"), cancellationToken) : null;
            try
            {
                if (installed is { } p)
                {
                    peerServer = await PeerServer.StartHttpAsync(p.Script, p.Version, cancellationToken);
                    peerVersion = p.Version;
                    var server = peerServer;
                    targets.Add(new("peer echo", server.ConnectAsync, (c, i, ct) => CallAsync(c, "echo", new() { ["message"] = Queries[i % Queries.Length] }, ct)));
                }

                foreach (var target in targets)
                {
                    Console.Error.WriteLine($"load: {target.Name} over HTTP, sequential");
                    sequential[target.Name] = await generator.SequentialAsync(target, sequentialCalls, cancellationToken);
                    foreach (var clients in concurrency)
                    {
                        Console.Error.WriteLine($"load: {target.Name} over HTTP, {clients} clients");
                        results.Add(await generator.ConcurrentAsync(target, clients, cancellationToken));
                    }
                }
            }
            finally
            {
                if (peerServer is not null)
                {
                    await peerServer.DisposeAsync();
                }
            }

            Console.Error.WriteLine(stdioToo ? "load: stdio, sequential" : "load: stdio skipped");
            var serverDll = Path.Combine(AppContext.BaseDirectory, "mcprag.dll");
            foreach (var mode in stdioToo ? new[] { "keyword", "hybrid" } : [])
            {
                var target = new LoadTarget("search " + mode, ct => ConnectStdioAsync(serverDll, deployment, token, ct), (c, i, ct) => SearchAsync(c, i, mode, ct));
                stdio[target.Name] = await generator.SequentialAsync(target, sequentialCalls, cancellationToken);
            }

            if (stdioToo && installed is { } stdioPeer)
            {
                var target = new LoadTarget("peer echo", ct => PeerServer.ConnectStdioAsync(stdioPeer.Script, ct), (c, i, ct) => CallAsync(c, "echo", new() { ["message"] = Queries[i % Queries.Length] }, ct));
                stdio[target.Name] = await generator.SequentialAsync(target, sequentialCalls, cancellationToken);
            }
        }

        return new LoadResults(sequential, stdio, results, peerVersion, documents, chunks);
    }

    private static Task SearchAsync(McpClient client, int sequence, string mode, CancellationToken cancellationToken) =>
        CallAsync(client, "search", new() { ["query"] = Queries[sequence % Queries.Length], ["mode"] = mode }, cancellationToken);

    private static async Task CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: cancellationToken);
        if (result.IsError == true)
        {
            throw new InvalidOperationException($"{tool} failed during the load test: " + string.Join(' ', result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text)));
        }
    }

    private static Task<McpClient> ConnectStdioAsync(string serverDll, BenchDeployment deployment, string token, CancellationToken cancellationToken) =>
        McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "mcprag",
                Command = "dotnet",
                Arguments = [serverDll, "serve", "--transport", "stdio", "--config", deployment.ConfigFile, "--dev"],
                WorkingDirectory = deployment.DataDir,
                EnvironmentVariables = new Dictionary<string, string?> { ["MCPRAG_TOKEN"] = token },
            }),
            cancellationToken: cancellationToken);

    /// <summary>The sample telecom tenant's documents, through the same loader and write path as <c>mcprag ingest</c>.</summary>
    private async Task<(int Documents, int Chunks)> IngestSamplesAsync(BenchDeployment deployment, CancellationToken cancellationToken)
    {
        await using var services = deployment.BuildRetrieval();
        var backend = services.GetRequiredService<LocalIndexBackend>();
        var documents = DocumentLoader.Enumerate([Path.Combine(paths.Root, "samples", "documents", "tenant-a")])
            .SelectMany(f => DocumentLoader.Load(f.File, f.Root)).ToList();
        var route = new TenantRoute(Tenant, LocalIndexBackend.BackendName, TenantIsolation.Index) { Index = Tenant };
        await backend.UpsertAsync(route, TenantPrincipal.Operator(Tenant), documents, null, cancellationToken);
        var chunker = new TextChunker(new ChunkingOptions());
        return (documents.Count, documents.Sum(d => Math.Max(1, chunker.Split(d.Text).Count)));
    }
}

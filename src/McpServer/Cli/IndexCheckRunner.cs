using McpRag.Retrieval.Backends.Local;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;

namespace McpRag.McpServer.Cli;

/// <summary>
/// <c>mcprag index check --tenant ID</c>: runs <see cref="LocalIndexCheck"/> on the index the tenant's route names and
/// prints one verdict line on stdout; exit code 0 when consistent, 1 when damaged (2, as for every verb, for usage
/// and configuration errors). In document isolation the index is shared, so the verdict covers every tenant on it.
/// </summary>
internal sealed class IndexCheckRunner(ITenantDirectory directory, LocalIndexBackend local, IEmbeddingGenerator<string, Embedding<float>> embeddings)
{
    public const int Damaged = 1;

    public async Task<int> RunAsync(string tenantId, CancellationToken cancellationToken)
    {
        var route = await LocalRouteAsync(directory, tenantId, "index check", cancellationToken);
        var metadata = embeddings.GetService<EmbeddingGeneratorMetadata>();
        var model = metadata?.DefaultModelId ?? "unknown";
        var dimensions = metadata?.DefaultModelDimensions ?? MiniLmEmbeddingGenerator.Dimensions;
        var report = LocalIndexCheck.Run(local.IndexPathOf(route), model, dimensions);
        var name = $"tenant {tenantId}, {route.Isolation.ToString().ToLowerInvariant()} index";
        if (!report.Exists && report.Healthy)
        {
            Console.Out.WriteLine($"ok: {name}: no index yet (nothing ingested)");
            return 0;
        }

        if (report.Healthy)
        {
            Console.Out.WriteLine($"ok: {name}: {report.Documents} documents, {report.Chunks} chunks in {report.Segments} segments, model {report.Model} ({dimensions} dimensions), Lucene CheckIndex clean");
            return 0;
        }

        Console.Out.WriteLine($"damaged: {name}: {string.Join("; ", report.Problems)}; run mcprag index repair --tenant {tenantId}");
        return Damaged;
    }

    internal static async Task<TenantRoute> LocalRouteAsync(ITenantDirectory directory, string tenantId, string verb, CancellationToken cancellationToken)
    {
        var route = await directory.FindAsync(tenantId, cancellationToken)
            ?? throw new Hosting.CommandLineException($"tenant '{tenantId}' is not in the routing table");
        return string.Equals(route.Backend, LocalIndexBackend.BackendName, StringComparison.OrdinalIgnoreCase)
            ? route
            : throw new Hosting.CommandLineException($"tenant '{tenantId}' is on backend '{route.Backend}'; {verb} works on the local backend");
    }
}

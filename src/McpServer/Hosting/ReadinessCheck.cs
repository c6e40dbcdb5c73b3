using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// <c>/readyz</c>: the routing table is loaded, the embedding model is loaded and every local index a route names
/// can be opened. The response says only Healthy or Unhealthy; reasons go to the log, never to the caller.
/// </summary>
public sealed class ReadinessCheck(FileTenantDirectory directory, MiniLmEmbeddingGenerator embeddings, ILogger<ReadinessCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!embeddings.IsLoaded)
        {
            return HealthCheckResult.Unhealthy();
        }

        foreach (var tenant in directory.TenantIds)
        {
            if (await directory.FindAsync(tenant, cancellationToken) is null)
            {
                logger.LogWarning("Readiness: tenant {Tenant} vanished from the routing table during the check", tenant);
                return HealthCheckResult.Unhealthy();
            }
        }

        return HealthCheckResult.Healthy();
    }
}

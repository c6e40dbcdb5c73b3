using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// <c>/readyz</c>: the routing table is loaded (the directory could be built, which validates it) and the embedding
/// model is in memory. The response says only Healthy or Unhealthy; nothing about tenants or hosts.
/// </summary>
internal sealed class ReadinessCheck(ITenantDirectory directory, EmbeddingWarmup warmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(directory is not null && warmup.IsLoaded ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy());
}

using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// At server start, checks each OpenSearch route against its cluster and index, and refuses to start with a one-line
/// reason when the cluster's version cannot serve the route's engine (faiss with cosine before 2.19) or the index was
/// built for another model or vector size, which would otherwise fail every semantic query. Clusters that cannot be
/// reached within <see cref="Budget"/> are logged and checked again on first use.
/// </summary>
public sealed class OpenSearchStartupCheck(ITenantDirectory directory, OpenSearchBackend backend, ILogger<OpenSearchStartupCheck> logger) : IHostedService
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (directory is not FileTenantDirectory file)
        {
            // A DynamoDB table is not enumerated at start-up; its routes are checked on first use.
            return;
        }

        var routes = new List<TenantRoute>();
        foreach (var tenantId in file.TenantIds)
        {
            if (await file.FindAsync(tenantId, cancellationToken) is { } route
                && string.Equals(route.Backend, OpenSearchBackend.BackendName, StringComparison.OrdinalIgnoreCase))
            {
                routes.Add(route);
            }
        }

        foreach (var route in routes.Where(r => OpenSearchRoute.Of(r).Auth == OpenSearchAuthMode.JwtPassthrough))
        {
            logger.LogWarning(
                "Tenant {Tenant} uses auth jwt-passthrough: callers' tokens are forwarded to OpenSearch unchanged, which the MCP authorization spec forbids; use it only when the identity provider puts OpenSearch in the tokens' audience",
                route.TenantId);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        var problems = await Task.WhenAll(routes.Select(route => CheckAsync(route, budget.Token)));
        if (problems.FirstOrDefault(p => p is not null) is { } problem)
        {
            throw new FormatException(problem);
        }
    }

    private async Task<string?> CheckAsync(TenantRoute route, CancellationToken cancellationToken)
    {
        try
        {
            return await backend.VerifyRouteAsync(route, cancellationToken) is { } mismatch ? $"tenant '{route.TenantId}': {mismatch}" : null;
        }
        catch (Exception ex) when (ex is OpenSearchRequestException or RetrievalException or OperationCanceledException)
        {
            logger.LogWarning("Could not check the OpenSearch index of tenant {Tenant} at start-up; it is checked on first use: {Reason}", route.TenantId, ex.Message);
            return null;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

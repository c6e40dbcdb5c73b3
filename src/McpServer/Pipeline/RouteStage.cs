using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// Route: the caller's tenant looked up in the routing table, and the backend its route names, bound into the
/// <see cref="CallContext"/> once. The tenant comes only from the validated token, never from an argument.
/// </summary>
internal sealed class RouteStage(ITenantDirectory directory, BackendRegistry backends)
{
    /// <summary>The route of <paramref name="principal"/>'s tenant, or <c>null</c> when it is not provisioned.</summary>
    public async ValueTask<TenantRoute?> FindAsync(CallContext call, TenantPrincipal principal, CancellationToken cancellationToken) =>
        call.Route ??= await directory.FindAsync(principal.TenantId, cancellationToken);

    /// <summary>Binds the tenant's route and backend, or fails with <c>tenant_not_provisioned</c>.</summary>
    public async ValueTask<TenantRoute> RunAsync(CallContext call, TenantPrincipal principal, CancellationToken cancellationToken)
    {
        var route = await FindAsync(call, principal, cancellationToken)
            ?? throw new RetrievalException(RetrievalErrorCode.TenantNotProvisioned, "the caller's tenant is not provisioned on this server");
        call.Backend = backends.Get(route);
        return route;
    }
}

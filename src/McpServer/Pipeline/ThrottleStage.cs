using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using McpRag.McpServer.Throttling;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// Throttle: the tenant's and subject's request quota (the route's own, over the configured default), and the
/// embedding quota a write is charged by what it costs. The only stage that sees the throttling types; HTTP
/// refusals (429 with <c>Retry-After</c>) and tool errors (<c>throttled</c> with <c>retry_after_seconds</c>) both come
/// from <see cref="AdmitAsync"/>.
/// </summary>
internal sealed class ThrottleStage(ITenantThrottle throttle)
{
    /// <summary>
    /// Takes one request of the quota and keeps the lease in <paramref name="call"/> until the call ends, or returns
    /// how long the caller should wait.
    /// </summary>
    public async ValueTask<RetrievalException?> AdmitAsync(CallContext call, TenantRoute route, TenantPrincipal principal, CancellationToken cancellationToken)
    {
        var lease = await throttle.AcquireAsync(route, principal, cancellationToken);
        if (lease.IsAdmitted)
        {
            call.Lease = lease;
            return null;
        }

        lease.Dispose();
        return new RetrievalException(RetrievalErrorCode.Throttled, $"{lease.Limit} quota exceeded") { RetryAfter = lease.RetryAfter };
    }

    /// <summary>Takes one request of the quota, or throws the <c>throttled</c> error.</summary>
    public async ValueTask RunAsync(CallContext call, TenantRoute route, TenantPrincipal principal, CancellationToken cancellationToken)
    {
        if (await AdmitAsync(call, route, principal, cancellationToken) is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>
    /// Charges a write of <paramref name="passages"/> passages to the tenant's embedding quota: refused when one call
    /// would embed more than <c>maxChunksPerWrite</c> (invalid argument) or the quota has fewer left (throttled).
    /// </summary>
    public async ValueTask ChargeWriteAsync(TenantRoute route, int passages, CancellationToken cancellationToken)
    {
        var quota = throttle.QuotaOf(route);
        if (passages > quota.MaxChunksPerWrite)
        {
            throw RetrievalException.Invalid($"text makes {passages} passages to embed and one upsert_document may embed at most {quota.MaxChunksPerWrite}: split the document, or load it with mcprag ingest");
        }

        using var charge = await throttle.ChargeEmbeddingAsync(route, passages, cancellationToken);
        if (!charge.IsAdmitted)
        {
            throw new RetrievalException(RetrievalErrorCode.Throttled, $"this write embeds {passages} passages and the tenant's embedding quota ({quota.EmbeddedChunksPerMinute} passages per minute) has fewer left")
            {
                RetryAfter = charge.RetryAfter,
            };
        }
    }
}

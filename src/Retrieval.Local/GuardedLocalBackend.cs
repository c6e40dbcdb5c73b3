using Lucene.Net.Index;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// The local backend as callers reach it: a storage failure of one index (a damaged segment, a full or read-only disk)
/// becomes <c>backend_unavailable</c> with a reason a caller can act on, for the routes on that index only, instead
/// of an unexplained error; the failing index is opened again on the next call, so service resumes by itself once
/// the storage is repaired or has space. Other indexes are not touched.
/// </summary>
public sealed class GuardedLocalBackend(LocalIndexBackend inner, ILogger<GuardedLocalBackend> logger) : IRetrievalBackend
{
    public string Name => inner.Name;

    public TenantRoute ValidateRoute(TenantRoute route) => inner.ValidateRoute(route);

    /// <summary>The wrapped backend's cost (its passages), so write quotas charge what the embedding really costs.</summary>
    public int EmbeddingCost(RetrievalDocument document) => inner.EmbeddingCost(document);

    public Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken) =>
        Guard(route, () => inner.SearchAsync(route, principal, query, cancellationToken));

    public Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) =>
        Guard(route, () => inner.GetAsync(route, principal, id, cancellationToken));

    public Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken) =>
        Guard(route, () => inner.UpsertAsync(route, principal, documents, progress, cancellationToken));

    public Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) =>
        Guard(route, () => inner.DeleteAsync(route, principal, id, cancellationToken));

    /// <summary>The caller-facing reason for a storage failure, or <c>null</c> when the exception is not one.</summary>
    public static RetrievalException? Translate(Exception exception) => exception switch
    {
        RetrievalException or OperationCanceledException => null,
        CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or EndOfStreamException or FileNotFoundException or DirectoryNotFoundException
            or ArgumentException or IndexOutOfRangeException or InvalidCastException when FromLucene(exception) =>
            new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's index is damaged; an operator must check and repair it (mcprag index check)"),
        IOException io when IsDiskFull(io) =>
            new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's index storage is full; nothing was written, and writes resume once space is freed"),
        IOException or UnauthorizedAccessException =>
            new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's index storage cannot be used right now; try again later"),
        _ => null,
    };

    /// <summary>
    /// Lucene reports some damage (a slice beyond the end of a cut-off compound file, a garbled header) as argument or
    /// range errors from its storage, codec and segment-reading code; those, and only those, mean a damaged index (the
    /// same exception types from query code stay ordinary errors).
    /// </summary>
    private static bool FromLucene(Exception exception) =>
        exception is IOException || exception.TargetSite?.DeclaringType?.Namespace is { } ns &&
            (ns.StartsWith("Lucene.Net.Store", StringComparison.Ordinal) || ns.StartsWith("Lucene.Net.Codecs", StringComparison.Ordinal) || ns == "Lucene.Net.Index");

    /// <summary>ENOSPC (errno 28 on Linux) or ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    private static bool IsDiskFull(IOException exception) =>
        (exception.HResult & 0xFFFF) is 28 or 0x70 or 0x27 ||
        exception.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) ||
        exception.InnerException is IOException inner && IsDiskFull(inner);

    private async Task<T> Guard<T>(TenantRoute route, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (Translate(ex) is { } reason)
        {
            logger.LogError("Local index of tenant {Tenant} failed ({Error}: {Detail}); answered as backend_unavailable", route.TenantId, ex.GetType().Name, ex.Message);
            throw reason;
        }
    }
}

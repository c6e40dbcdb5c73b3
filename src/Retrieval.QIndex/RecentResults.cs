using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// The passages each caller was recently shown, by document id, so <c>fetch</c> can return them: Q index has no
/// get-by-id, and what a caller may read is exactly what the service returned to that caller under their own
/// permissions. Kept per tenant and subject, bounded in callers, documents and time.
/// </summary>
public sealed class RecentResults(QIndexOptions options, TimeProvider time)
{
    private const int MaxPassagesPerDocument = 8;

    private readonly BoundedCache<(string Tenant, string Subject), BoundedCache<string, RetrievalDocument>> _callers = new(options.CredentialCacheSize, time);

    public async Task RememberAsync(string tenantId, string subject, IEnumerable<RelevantContent> passages, CancellationToken cancellationToken)
    {
        var expires = time.GetUtcNow() + options.RecentResultsLifetime;
        var documents = await _callers.GetOrAddAsync(
            (tenantId, subject),
            _ => Task.FromResult((new BoundedCache<string, RetrievalDocument>(options.RecentDocumentsPerCaller, time), expires)),
            cancellationToken);
        _callers.Set((tenantId, subject), documents, expires);
        foreach (var passage in passages)
        {
            var hit = QIndexResults.ToHit(passage);
            var document = documents.TryGet(hit.Id, out var known)
                ? known with { Text = Append(known.Text, hit.Snippet) }
                : new RetrievalDocument(hit.Id, hit.Title, hit.Snippet) { Url = hit.Url, Attributes = hit.Attributes };
            documents.Set(hit.Id, document, expires);
        }
    }

    public RetrievalDocument? Find(string tenantId, string subject, string documentId) =>
        _callers.TryGet((tenantId, subject), out var documents) && documents.TryGet(documentId, out var document) ? document : null;

    private static string Append(string text, string passage)
    {
        if (passage.Length == 0 || text.Contains(passage, StringComparison.Ordinal))
        {
            return text;
        }

        return text.Split(Separator).Length >= MaxPassagesPerDocument ? text : text + Separator + passage;
    }

    private const string Separator = "\n\n…\n\n";
}

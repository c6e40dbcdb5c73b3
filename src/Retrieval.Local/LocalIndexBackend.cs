using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Ranking;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// The embedded backend: BM25 over Lucene, embedding similarity over the chunk vectors stored beside the text,
/// and a fusion of both (<see cref="FusionMethod"/>). Results are whole documents (the best chunk of each gives the snippet).
/// Every query runs inside <see cref="LocalQueries.Scope"/>, which always carries the caller's tenant, whatever
/// the isolation mode, and in a shared index keyword scores use that tenant's statistics only. The route's folder and
/// open index come from <see cref="LocalIndexStore"/>; searching is <see cref="LocalSearcher"/>, writing
/// <see cref="LocalDocumentWriter"/>, and the Lucene form of a document <see cref="LocalDocuments"/>.
/// </summary>
public sealed class LocalIndexBackend : IRetrievalBackend, IDisposable
{
    public const string BackendName = "local";

    private readonly LocalIndexStore _store;
    private readonly LocalSearcher _searcher;
    private readonly LocalDocumentWriter _writer;

    public LocalIndexBackend(IOptions<StorageOptions> storage, IOptions<LocalBackendOptions> options, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        var metadata = embeddings.GetService<EmbeddingGeneratorMetadata>();
        _store = new LocalIndexStore(storage, options, metadata?.DefaultModelId ?? "unknown", metadata?.DefaultModelDimensions ?? MiniLmEmbeddingGenerator.Dimensions);
        _searcher = new LocalSearcher(_store, embeddings, options.Value);
        _writer = new LocalDocumentWriter(embeddings, options.Value);
    }

    public string Name => BackendName;

    /// <summary>The local backend needs nothing beyond the route's common fields (its index or data root): checked, not bound.</summary>
    public TenantRoute ValidateRoute(TenantRoute route) => route.Isolation switch
    {
        TenantIsolation.Domain when route.DataRoot is { } root && root.Split('/', '\\').Contains("..") => throw new FormatException("\"dataRoot\" must not contain '..'"),
        TenantIsolation.Index or TenantIsolation.Document when route.Index is { } index && !IndexName.IsValid(index) =>
            throw new FormatException($"index '{index}' is invalid: use 1-64 of a-z, 0-9, '-' and '_'"),
        _ => route,
    };

    /// <summary>The folder that holds a route's index (for operators and tests).</summary>
    public string IndexPathOf(TenantRoute route) => _store.PathOf(route);

    public Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken) =>
        _searcher.SearchAsync(route, principal, query, cancellationToken);

    public Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var document = _store.Get(route).Search(searcher =>
        {
            var head = LocalDocuments.FindHead(searcher, principal.TenantId, id);
            return head is null ? null : LocalDocuments.ToDocument(searcher.Doc(head.Value));
        }, null);
        return Task.FromResult(document);
    }

    public async Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var index = _store.Get(route);
        var existed = false;
        await index.WriteAsync(writer =>
        {
            existed = index.Search(searcher => LocalDocuments.FindHead(searcher, principal.TenantId, id) is not null, false);
            if (existed)
            {
                writer.DeleteDocuments(LocalQueries.Document(principal.TenantId, id));
                Diagnostics.CrashPoints.Reached(Diagnostics.CrashPoints.DocumentDeleted);
            }

            return Task.CompletedTask;
        }, cancellationToken);
        return existed;
    }

    /// <summary>Writes documents batch by batch, one Lucene commit per batch (see <see cref="LocalDocumentWriter.UpsertAsync"/>).</summary>
    public async Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken) =>
        await _writer.UpsertAsync(_store.Get(route), principal, documents, progress, cancellationToken);

    /// <summary>The passages the document is split into, each embedded once.</summary>
    public int EmbeddingCost(RetrievalDocument document) => _writer.Split(document).Count;

    public void Dispose() => _store.Dispose();
}

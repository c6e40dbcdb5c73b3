using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Ranking statistics of each tenant in a shared index, for one reader generation. BM25 weighs a word by how many
/// documents hold it and normalises by the average passage length; taken over the whole index, both move when any
/// tenant writes or deletes, so one tenant could watch and reorder another's results. Here they are counted over
/// the tenant's live passages only (deleted but unmerged ones do not count), so nothing another tenant does changes a
/// tenant's scores. Readers are immutable, so the figures are computed once per generation and dropped with it.
/// </summary>
internal sealed class TenantStatistics
{
    private static readonly ConditionalWeakTable<IndexReader, TenantStatistics> Generations = new();

    private readonly IndexReader _reader;
    private readonly ConcurrentDictionary<string, Lazy<TenantPassages>> _tenants = new(StringComparer.Ordinal);

    private TenantStatistics(IndexReader reader) => _reader = reader;

    /// <summary>A searcher over <paramref name="searcher"/>'s reader whose BM25 statistics are those of <paramref name="tenantId"/> alone.</summary>
    public static IndexSearcher Scope(IndexSearcher searcher, string tenantId)
    {
        var generation = Generations.GetValue(searcher.IndexReader, r => new TenantStatistics(r));
        var passages = generation._tenants.GetOrAdd(tenantId, t => new Lazy<TenantPassages>(() => new TenantPassages(generation._reader, t))).Value;
        return new TenantScopedSearcher(searcher.IndexReader, passages) { Similarity = searcher.Similarity };
    }

    private sealed class TenantScopedSearcher(IndexReader reader, TenantPassages passages) : IndexSearcher(reader)
    {
        public override TermStatistics TermStatistics(Term term, TermContext context) => passages.Term(term, context);

        public override CollectionStatistics CollectionStatistics(string field) => passages.Collection(field);
    }
}

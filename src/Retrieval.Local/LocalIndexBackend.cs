using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Util;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Ingest;
using McpRag.Retrieval.Ranking;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using LuceneDocument = Lucene.Net.Documents.Document;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// The embedded backend: BM25 over Lucene, embedding similarity over the chunk vectors stored beside the text,
/// and a fusion of both (<see cref="FusionMethod"/>). Results are whole documents (the best chunk of each gives the snippet).
/// Every query runs inside <see cref="LocalQueries.Scope"/>, which always carries the caller's tenant, whatever
/// the isolation mode, and in a shared index keyword scores use that tenant's statistics only.
/// </summary>
public sealed class LocalIndexBackend : IRetrievalBackend, IDisposable
{
    public const string BackendName = "local";
    private const int SnippetLength = 240;

    private readonly LocalIndexStore _store;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddings;
    private readonly LocalBackendOptions _options;
    private readonly TextChunker _chunker;

    public LocalIndexBackend(IOptions<StorageOptions> storage, IOptions<LocalBackendOptions> options, IEmbeddingGenerator<string, Embedding<float>> embeddings)
    {
        var metadata = embeddings.GetService<EmbeddingGeneratorMetadata>();
        _store = new LocalIndexStore(storage, options, metadata?.DefaultModelId ?? "unknown", metadata?.DefaultModelDimensions ?? MiniLmEmbeddingGenerator.Dimensions);
        _embeddings = embeddings;
        _options = options.Value;
        _chunker = new TextChunker(_options.Chunking);
    }

    public string Name => BackendName;

    public string? ValidateRoute(TenantRoute route) => route.Isolation switch
    {
        TenantIsolation.Domain when route.DataRoot is { } root && root.Split('/', '\\').Contains("..") => "\"dataRoot\" must not contain '..'",
        TenantIsolation.Index or TenantIsolation.Document when route.Index is { } index && !IndexName.IsValid(index) =>
            $"index '{index}' is invalid: use 1-64 of a-z, 0-9, '-' and '_'",
        _ => null,
    };

    /// <summary>The folder that holds a route's index (for operators and tests).</summary>
    public string IndexPathOf(TenantRoute route) => _store.PathOf(route);

    public async Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken)
    {
        var offset = ParsePosition(query.Position);
        var window = offset + query.TopK;
        var candidates = Math.Min(SearchLimits.MaxResultWindow * 4, Math.Max(_options.Candidates, window * 3));
        var scope = LocalQueries.Scope(principal.TenantId, query.Filters);
        var textQuery = query.Mode == SearchMode.Semantic ? null : LocalQueries.Text(query.Text);
        var queryVector = query.Mode == SearchMode.Keyword ? null : await EmbedAsync(query.Text, cancellationToken);

        var index = _store.Get(route);
        return index.Search(searcher =>
        {
            var keyword = textQuery is null ? [] : Collapse(searcher, KeywordSearcher(searcher, principal).Search(textQuery, new QueryWrapperFilter(scope), candidates).ScoreDocs);
            var semantic = queryVector is null ? [] : Collapse(searcher, NearestChunks(searcher, index.Vectors, scope, queryVector, candidates));
            var ranked = query.Mode switch
            {
                SearchMode.Keyword => keyword,
                SearchMode.Semantic => semantic,
                _ => Fuse(keyword, semantic),
            };

            var highlighter = textQuery is null ? null : NewHighlighter(textQuery);
            var page = ranked.Skip(offset).Take(query.TopK).Select(r => ToHit(searcher, r, highlighter)).ToList();
            var next = ranked.Count > window && window < SearchLimits.MaxResultWindow ? window.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return new SearchPage(page, next);
        }, new SearchPage([], null));
    }

    public Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var document = _store.Get(route).Search(searcher =>
        {
            var head = FindHead(searcher, principal.TenantId, id);
            return head is null ? null : ToDocument(searcher.Doc(head.Value));
        }, null);
        return Task.FromResult(document);
    }

    public async Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var index = _store.Get(route);
        var existed = false;
        await index.WriteAsync(writer =>
        {
            existed = index.Search(searcher => FindHead(searcher, principal.TenantId, id) is not null, false);
            if (existed)
            {
                writer.DeleteDocuments(LocalQueries.Document(principal.TenantId, id));
                Diagnostics.CrashPoints.Reached(Diagnostics.CrashPoints.DocumentDeleted);
            }

            return Task.CompletedTask;
        }, cancellationToken);
        return existed;
    }

    /// <summary>
    /// Writes documents batch by batch. Hashing, chunking and embedding (the slow part) happen before the index lock is
    /// taken, so a large upsert does not hold up other writers of a shared index; inside the lock the stored hashes are
    /// read again from the latest commit, and documents that meanwhile became identical are skipped. Each batch is one
    /// Lucene commit: an interrupted ingest keeps every batch committed before it.
    /// </summary>
    public async Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var index = _store.Get(route);
        var tenant = principal.TenantId;
        var chunksWritten = 0;
        var done = 0;
        foreach (var batch in documents.Chunk(Math.Max(1, _options.BatchDocuments)))
        {
            var chunked = batch
                .Select(d => (Document: d, Hash: d.ContentHash()))
                .Where(d => index.Search(s => StoredHash(s, tenant, d.Document.Id), null) != d.Hash)
                .Select(d => (d.Document, d.Hash, Chunks: Split(d.Document)))
                .ToList();
            var texts = chunked.SelectMany(d => d.Chunks.Select(c => EmbeddingText(d.Document.Title, c))).ToList();
            var vectors = await EmbedManyAsync(texts, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();

            if (chunked.Count > 0)
            {
                await index.WriteAsync(writer =>
                {
                    var next = 0;
                    foreach (var (document, hash, chunks) in chunked)
                    {
                        var first = next;
                        next += chunks.Count;
                        if (index.Search(s => StoredHash(s, tenant, document.Id), null) == hash)
                        {
                            continue;
                        }

                        writer.UpdateDocuments(
                            new Term(IndexFields.DocKey, IndexFields.Key(tenant, document.Id)),
                            chunks.Select((c, i) => ToLucene(tenant, document, hash, c, i, vectors[first + i])).ToList());
                        chunksWritten += chunks.Count;
                        Diagnostics.CrashPoints.Reached(Diagnostics.CrashPoints.DocumentWritten);
                    }

                    return Task.CompletedTask;
                }, cancellationToken);
            }

            done += batch.Length;
            progress?.Report(done);
        }

        return chunksWritten;
    }

    /// <summary>The passages the document is split into, each embedded once.</summary>
    public int EmbeddingCost(RetrievalDocument document) => Split(document).Count;

    private IReadOnlyList<string> Split(RetrievalDocument document)
    {
        var chunks = _chunker.Split(document.Text);
        return chunks.Count > 0 ? chunks : [document.Title];
    }

    private static string EmbeddingText(string title, string chunk) => title + "\n\n" + chunk;

    /// <summary>Embeds a search query, marked as one so that asymmetric models add their query instruction.</summary>
    private async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken) =>
        (await _embeddings.GenerateAsync([text], EmbeddingPurpose.Query(), cancellationToken))[0].Vector.ToArray();

    /// <summary>Embeds in batches of similar length: the model pads a batch to its longest text, so mixing lengths wastes work.</summary>
    private async Task<float[][]> EmbedManyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var result = new float[texts.Count][];
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        foreach (var batch in order.Chunk(16))
        {
            var embeddings = await _embeddings.GenerateAsync(batch.Select(i => texts[i]), cancellationToken: cancellationToken);
            for (var j = 0; j < batch.Length; j++)
            {
                result[batch[j]] = embeddings[j].Vector.ToArray();
            }
        }

        return result;
    }

    /// <summary>
    /// Keyword scores use the caller's tenant's statistics only (<see cref="TenantStatistics"/>), in every isolation
    /// mode: in a shared index another tenant's writes and deletes cannot move them, and because every mode counts them
    /// the same way (live passages, lengths from the norms BM25 scores with) a tenant ranks identically whichever mode
    /// holds it — an export restored into another mode gives the same order.
    /// </summary>
    private static IndexSearcher KeywordSearcher(IndexSearcher searcher, TenantPrincipal principal) =>
        TenantStatistics.Scope(searcher, principal.TenantId);

    private static ScoreDoc[] NearestChunks(IndexSearcher searcher, SegmentVectorCache vectors, Query scope, float[] query, int count)
    {
        var weight = searcher.CreateNormalizedWeight(scope);
        var best = new PriorityQueue<int, float>(count + 1);
        var dimensions = vectors.Dimensions;
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var scorer = weight.GetScorer(leaf, leaf.AtomicReader.LiveDocs);
            if (scorer is null)
            {
                continue;
            }

            var segment = vectors.Get(leaf.AtomicReader);
            int doc;
            while ((doc = scorer.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                var score = VectorMath.Dot(segment.AsSpan(doc * dimensions, dimensions), query);
                if (best.Count < count)
                {
                    best.Enqueue(leaf.DocBase + doc, score);
                }
                else if (best.TryPeek(out _, out var lowest) && score > lowest)
                {
                    best.DequeueEnqueue(leaf.DocBase + doc, score);
                }
            }
        }

        var result = new ScoreDoc[best.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            best.TryDequeue(out var doc, out var score);
            result[i] = new ScoreDoc(doc, score);
        }

        return result;
    }

    /// <summary>
    /// Keeps the best chunk of each document, in rank order. Document ids come from the field cache (the indexed
    /// <c>doc_id</c> terms, un-inverted once per segment) rather than from stored fields, which would decompress a
    /// stored-field block for every candidate.
    /// </summary>
    private static List<RankedDocument> Collapse(IndexSearcher searcher, ScoreDoc[] chunks)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<RankedDocument>();
        var leaves = searcher.IndexReader.Leaves;
        var bytes = new BytesRef();
        foreach (var chunk in chunks)
        {
            var leaf = leaves[ReaderUtil.SubIndex(chunk.Doc, leaves)];
            FieldCache.DEFAULT.GetTerms(leaf.AtomicReader, IndexFields.DocId, false).Get(chunk.Doc - leaf.DocBase, bytes);
            var docId = bytes.Utf8ToString();
            if (seen.Add(docId))
            {
                result.Add(new RankedDocument(docId, chunk.Doc, chunk.Score));
            }
        }

        return result;
    }

    private List<RankedDocument> Fuse(List<RankedDocument> keyword, List<RankedDocument> semantic)
    {
        var bestChunk = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var r in keyword.Concat(semantic))
        {
            bestChunk.TryAdd(r.DocId, r.Chunk);
        }

        var fused = _options.Fusion == FusionMethod.Linear
            ? LinearFusion.Fuse(_options.SemanticWeight, keyword.Select(r => (r.DocId, r.Score)).ToList(), semantic.Select(r => (r.DocId, r.Score)).ToList())
            : ReciprocalRankFusion.Fuse(_options.RrfK, keyword.Select(r => r.DocId).ToList(), semantic.Select(r => r.DocId).ToList());
        return fused
            .Select(f => new RankedDocument(f.Item, bestChunk[f.Item], f.Score))
            .ToList();
    }

    private static SearchHit ToHit(IndexSearcher searcher, RankedDocument ranked, Highlighter? highlighter)
    {
        var chunk = ChunkFields.Load(searcher, ranked.Chunk);
        var text = chunk.Get(IndexFields.Text) ?? string.Empty;
        return new SearchHit(ranked.DocId, chunk.Get(IndexFields.Title) ?? ranked.DocId, chunk.Get(IndexFields.Url), Snippet(text, highlighter), Math.Round(ranked.Score, 6), ReadAttributes(chunk));
    }

    /// <summary>
    /// One highlighter per search, scoring fragments by the query's terms. <see cref="QueryTermScorer"/> is used
    /// rather than <see cref="QueryScorer"/>: the latter builds an in-memory index per snippet to score phrase
    /// positions, which cost about a millisecond per hit, and these queries have no phrases.
    /// </summary>
    private static Highlighter NewHighlighter(Query textQuery) =>
        new(new SimpleHTMLFormatter("**", "**"), new QueryTermScorer(textQuery, IndexFields.Text))
        {
            TextFragmenter = new SimpleFragmenter(SnippetLength),
        };

    private static string Snippet(string text, Highlighter? highlighter)
    {
        if (highlighter is not null)
        {
            var fragment = highlighter.GetBestFragment(LocalIndex.Analyzer, IndexFields.Text, text);
            if (!string.IsNullOrEmpty(fragment))
            {
                return fragment.Trim();
            }
        }

        if (text.Length <= SnippetLength)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', SnippetLength);
        return text[..(cut > SnippetLength / 2 ? cut : SnippetLength)] + " …";
    }

    private static int? FindHead(IndexSearcher searcher, string tenantId, string docId)
    {
        var query = new BooleanQuery
        {
            { LocalQueries.Document(tenantId, docId), Occur.MUST },
            { new TermQuery(new Term(IndexFields.Head, "1")), Occur.MUST },
        };
        var hits = searcher.Search(query, 1).ScoreDocs;
        return hits.Length == 0 ? null : hits[0].Doc;
    }

    private static string? StoredHash(IndexSearcher searcher, string tenantId, string docId) =>
        FindHead(searcher, tenantId, docId) is { } head ? searcher.Doc(head).Get(IndexFields.ContentHash) : null;

    private static RetrievalDocument ToDocument(LuceneDocument head) =>
        new(head.Get(IndexFields.DocId), head.Get(IndexFields.Title) ?? string.Empty, head.Get(IndexFields.DocText) ?? string.Empty)
        {
            Url = head.Get(IndexFields.Url),
            Attributes = ReadAttributes(head),
        };

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> ReadAttributes(LuceneDocument document)
    {
        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var group in document.Fields.Where(f => f.Name.StartsWith(IndexFields.AttributePrefix, StringComparison.Ordinal)).GroupBy(f => f.Name))
        {
            attributes[group.Key[IndexFields.AttributePrefix.Length..]] = group.Select(f => f.GetStringValue()).ToArray();
        }

        return attributes;
    }

    private static LuceneDocument ToLucene(string tenantId, RetrievalDocument document, string hash, string chunk, int chunkNo, float[] vector)
    {
        var doc = new LuceneDocument
        {
            new StringField(IndexFields.TenantId, tenantId, Field.Store.YES),
            new StringField(IndexFields.DocId, document.Id, Field.Store.YES),
            new StringField(IndexFields.DocKey, IndexFields.Key(tenantId, document.Id), Field.Store.NO),
            new StoredField(IndexFields.ChunkNo, chunkNo),
            new TextField(IndexFields.Title, document.Title, Field.Store.YES),
            new TextField(IndexFields.Text, chunk, Field.Store.YES),
            new BinaryDocValuesField(IndexFields.Vector, SegmentVectorCache.Encode(vector)),
        };
        if (document.Url is not null)
        {
            doc.Add(new StoredField(IndexFields.Url, document.Url));
        }

        foreach (var (name, values) in document.Attributes)
        {
            foreach (var value in values)
            {
                doc.Add(new StringField(IndexFields.AttributePrefix + name, value, Field.Store.YES));
            }
        }

        if (chunkNo == 0)
        {
            doc.Add(new StringField(IndexFields.Head, "1", Field.Store.NO));
            doc.Add(new StoredField(IndexFields.DocText, document.Text));
            doc.Add(new StoredField(IndexFields.ContentHash, hash));
        }

        return doc;
    }

    private static int ParsePosition(string? position) =>
        position is null ? 0
        : int.TryParse(position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset) && offset <= SearchLimits.MaxResultWindow ? offset
        : throw RetrievalException.Invalid("cursor is not valid for this search");

    public void Dispose() => _store.Dispose();

    private sealed record RankedDocument(string DocId, int Chunk, double Score);
}

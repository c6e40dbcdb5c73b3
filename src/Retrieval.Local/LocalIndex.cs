using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using McpRag.Retrieval.Search;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// One Lucene index folder: a searcher that follows commits (its own and other processes'), and a writer opened
/// only for the length of a write so that <c>mcprag ingest</c> and a running server can take turns on the lock.
/// Every change is a Lucene commit, which is atomic: a crash mid-ingest leaves the last committed state.
/// </summary>
internal sealed class LocalIndex : IDisposable
{
    private static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;

    private readonly LuceneDirectory _directory;
    private readonly LocalBackendOptions _options;
    private readonly string _modelId;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly System.Threading.Lock _managerLock = new();
    private readonly System.Threading.Lock _formatLock = new();
    private SearcherManager? _manager;
    private bool _formatChecked;
    private long _nextReopenCheck;

    public LocalIndex(string path, LocalBackendOptions options, string modelId, int dimensions)
    {
        System.IO.Directory.CreateDirectory(path);
        _directory = FSDirectory.Open(new DirectoryInfo(path));
        _options = options;
        _modelId = modelId;
        Vectors = new SegmentVectorCache(IndexFields.Vector, dimensions);
        DocumentVectors = new SegmentVectorCache(IndexFields.DocVector, dimensions);
    }

    public static Analyzer Analyzer { get; } = new EnglishAnalyzer(Version);

    public static Similarity Similarity { get; } = new BM25Similarity(1.2f, 0.75f);

    /// <summary>The words of <paramref name="text"/> as the passage text is indexed (stemmed, stop words removed), in order.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        using var stream = Analyzer.GetTokenStream(IndexFields.Text, text);
        var term = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            words.Add(term.ToString());
        }

        stream.End();
        return words;
    }

    public SegmentVectorCache Vectors { get; }

    /// <summary>The document vectors of the head chunks (<see cref="IndexFields.DocVector"/>), loaded only when semantic search weighs them.</summary>
    public SegmentVectorCache DocumentVectors { get; }

    /// <summary>Runs <paramref name="search"/> on a current searcher; an index that has no commit yet searches as empty.</summary>
    public T Search<T>(Func<IndexSearcher, T> search, T empty)
    {
        var manager = GetManager();
        if (manager is null)
        {
            return empty;
        }

        var searcher = manager.Acquire();
        try
        {
            return search(searcher);
        }
        finally
        {
            manager.Release(searcher);
        }
    }

    /// <summary>
    /// <see cref="Search{T}"/> for a search that awaits (the query embedding): the searcher is held until the task ends,
    /// so every thread the search uses reads the same commit.
    /// </summary>
    public async Task<T> SearchAsync<T>(Func<IndexSearcher, Task<T>> search, T empty)
    {
        var manager = GetManager();
        if (manager is null)
        {
            return empty;
        }

        var searcher = manager.Acquire();
        try
        {
            return await search(searcher);
        }
        finally
        {
            manager.Release(searcher);
        }
    }

    /// <summary>Opens a writer, runs <paramref name="write"/>, commits and closes it: one atomic change of the index.</summary>
    public async Task WriteAsync(Func<IndexWriter, Task> write, CancellationToken cancellationToken)
    {
        EnsureFormat();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            IndexWriter writer;
            try
            {
                writer = new IndexWriter(_directory, NewConfig(OpenMode.CREATE_OR_APPEND));
            }
            catch (LockObtainFailedException)
            {
                throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the index is busy with another writer; try again shortly");
            }

            try
            {
                CheckModel(ReadCommittedModel());

                // Reads inside the write (content hashes, existence checks) must see every commit made before the lock
                // was taken, including another process's, or an update could be skipped as "unchanged".
                Refresh(force: true);
                await write(writer);
                Commit(writer);
            }
            catch
            {
                writer.Rollback();
                throw;
            }
            finally
            {
                writer.Dispose();
            }

            Refresh(force: true);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Commits with the model and layout recorded, so the index says which model built it and how to read it.</summary>
    private void Commit(IndexWriter writer)
    {
        writer.SetCommitData(LocalIndexFormat.CommitData(_modelId));
        Diagnostics.CrashPoints.Reached(Diagnostics.CrashPoints.BeforeCommit);
        writer.PrepareCommit();
        Diagnostics.CrashPoints.Reached(Diagnostics.CrashPoints.CommitPrepared);
        writer.Commit();
        Diagnostics.CrashPoints.Reached(Diagnostics.CrashPoints.AfterCommit);
    }

    private string? ReadCommittedModel() =>
        LocalIndexFormat.LastCommitData(_directory).TryGetValue(IndexFields.ModelCommitKey, out var model) ? model : null;

    /// <summary>
    /// Once per process and folder, before the first search or write: an index of an older layout is rewritten in the
    /// current one (<see cref="LocalIndexUpgrade"/>, one commit, so an interruption leaves the old index intact and
    /// the next open tries again); a newer layout or another model is refused.
    /// </summary>
    private void EnsureFormat()
    {
        if (Volatile.Read(ref _formatChecked))
        {
            return;
        }

        lock (_formatLock)
        {
            if (_formatChecked)
            {
                return;
            }

            var data = LocalIndexFormat.LastCommitData(_directory);
            if (data.Count > 0 || DirectoryReader.IndexExists(_directory))
            {
                CheckModel(data.TryGetValue(IndexFields.ModelCommitKey, out var model) ? model : null);
                var version = LocalIndexFormat.Of(data);
                LocalIndexFormat.CheckReadable(version);
                if (version < LocalIndexFormat.Current)
                {
                    Upgrade();
                }
            }

            Volatile.Write(ref _formatChecked, true);
        }
    }

    private void Upgrade() => LocalIndexUpgrade.Run(_directory, NewConfig(OpenMode.APPEND), Commit);

    private IndexWriterConfig NewConfig(OpenMode mode) => new(Version, Analyzer)
    {
        OpenMode = mode,
        Similarity = Similarity,
        WriteLockTimeout = (long)_options.WriteLockTimeout.TotalMilliseconds,
    };

    private void CheckModel(string? committedModel)
    {
        if (committedModel is not null && committedModel != _modelId)
        {
            throw new RetrievalException(
                RetrievalErrorCode.BackendUnavailable,
                $"the index was built with embedding model '{committedModel}' but this server uses '{_modelId}'; re-ingest or change the configured model");
        }
    }

    private SearcherManager? GetManager()
    {
        EnsureFormat();
        Refresh(force: false);
        return Volatile.Read(ref _manager);
    }

    private void Refresh(bool force)
    {
        var now = Environment.TickCount64;
        // Until the index is open, every reader goes to the lock: one opens it while the others wait for it, instead
        // of answering as an empty index in between.
        if (!force && now < Interlocked.Read(ref _nextReopenCheck) && Volatile.Read(ref _manager) is not null)
        {
            return;
        }

        Interlocked.Exchange(ref _nextReopenCheck, now + (long)_options.ReopenInterval.TotalMilliseconds);
        lock (_managerLock)
        {
            if (_manager is null)
            {
                if (!DirectoryReader.IndexExists(_directory))
                {
                    return;
                }

                CheckModel(ReadCommittedModel());
                try
                {
                    _manager = new SearcherManager(_directory, new Bm25SearcherFactory());
                }
                catch
                {
                    // An index that cannot be opened (a damaged segment) must fail every call until it opens, never
                    // answer as empty in between.
                    Interlocked.Exchange(ref _nextReopenCheck, 0);
                    throw;
                }

                return;
            }
        }

        _manager.MaybeRefreshBlocking();
    }

    public void Dispose()
    {
        _manager?.Dispose();
        _directory.Dispose();
        _writeGate.Dispose();
    }

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = Similarity };
    }
}

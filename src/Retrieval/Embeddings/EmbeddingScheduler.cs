using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// The one place embedding work is admitted, server-wide. A large write embeds for minutes; left alone, a few of
/// them take every core and other tenants' queries wait behind them. So: at most
/// <see cref="EmbeddingSchedulerOptions.MaxConcurrentWrites"/> write batches run at once, whoever sends them; when
/// the <see cref="EmbeddingSchedulerOptions.MaxConcurrent"/> slots are all taken, a waiting query gets the next free
/// slot before any waiting write; and when a slot is free, work starts at once (no added wait when idle). Each call
/// passes its whole batch through <see cref="GenerateAsync"/>; single-text queries that meet while the model is busy
/// are merged into one model run by <see cref="QueryBatcher"/> (each caller still gets its own vector).
/// </summary>
public sealed class EmbeddingScheduler : IDisposable
{
    private readonly SemaphoreSlim _writes;
    private readonly System.Threading.Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waitingQueries = new();
    private readonly Queue<TaskCompletionSource> _waitingWrites = new();
    private readonly QueryBatcher? _batcher;
    private int _free;
    private int _runningQueries;

    public EmbeddingScheduler(IOptions<EmbeddingSchedulerOptions> options)
    {
        var value = options.Value;
        _free = value.MaxConcurrent;
        _writes = new SemaphoreSlim(value.MaxConcurrentWrites, value.MaxConcurrentWrites);
        _batcher = value.QueryBatchWindowMicroseconds > 0 && value.QueryBatchMaxSize > 1
            ? new QueryBatcher(this, TimeSpan.FromMicroseconds(value.QueryBatchWindowMicroseconds), value.QueryBatchMaxSize)
            : null;
    }

    /// <summary>Query model runs in progress now (batching waits for company only while this is above zero).</summary>
    internal int RunningQueries => Volatile.Read(ref _runningQueries);

    /// <summary>Queries waiting for a slot now (for tests and metrics).</summary>
    public int WaitingQueries
    {
        get
        {
            lock (_lock)
            {
                return _waitingQueries.Count;
            }
        }
    }

    /// <summary>Writes waiting for a slot now (for tests and metrics).</summary>
    public int WaitingWrites
    {
        get
        {
            lock (_lock)
            {
                return _waitingWrites.Count;
            }
        }
    }

    /// <summary>Runs one embedding call of <paramref name="model"/> when its lane (query or write, from <paramref name="options"/>) admits it.</summary>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEmbeddingGenerator<string, Embedding<float>> model, IEnumerable<string> values, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        var query = EmbeddingPurpose.IsQuery(options);
        if (query && _batcher is not null && QueryBatcher.CanBatch(values, options, out var text))
        {
            return await _batcher.GenerateAsync(model, text, cancellationToken);
        }

        if (!query)
        {
            await _writes.WaitAsync(cancellationToken);
        }

        try
        {
            await EnterAsync(query, cancellationToken);
            try
            {
                return await RunAsync(model, values, options, query, cancellationToken);
            }
            finally
            {
                Leave();
            }
        }
        finally
        {
            if (!query)
            {
                _writes.Release();
            }
        }
    }

    /// <summary>One model run inside a slot the caller holds, counted while it runs if it is a query run.</summary>
    internal async Task<GeneratedEmbeddings<Embedding<float>>> RunAsync(
        IEmbeddingGenerator<string, Embedding<float>> model, IEnumerable<string> values, EmbeddingGenerationOptions? options, bool query, CancellationToken cancellationToken)
    {
        if (query)
        {
            Interlocked.Increment(ref _runningQueries);
        }

        try
        {
            return await model.GenerateAsync(values, options, cancellationToken);
        }
        finally
        {
            if (query)
            {
                Interlocked.Decrement(ref _runningQueries);
            }
        }
    }

    internal Task EnterAsync(bool query, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_free > 0 && (query || _waitingQueries.Count == 0))
            {
                _free--;
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (query ? _waitingQueries : _waitingWrites).Enqueue(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    private async Task WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Either the wait is withdrawn before a slot was handed over, or the slot arrived meanwhile and goes back.
            if (!waiter.TrySetCanceled())
            {
                Leave();
            }

            throw;
        }
    }

    /// <summary>Hands the slot to the first waiting query, else the first waiting write, else frees it.</summary>
    internal void Leave()
    {
        lock (_lock)
        {
            while (_waitingQueries.TryDequeue(out var next) || _waitingWrites.TryDequeue(out next))
            {
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _free++;
        }
    }

    public void Dispose() => _writes.Dispose();
}

using McpRag.Retrieval.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests;

/// <summary>
/// The server-wide embedding scheduler: writes limited, queries first, no wait when a slot is free. These tests are
/// about the slots, so query batching is off here (QueryBatchingTests covers it).
/// </summary>
public sealed class EmbeddingSchedulerTests
{
    [Fact]
    public async Task Generate_SlotFree_CallsModelAtOnce()
    {
        using var scheduler = New(maxConcurrent: 2, maxWrites: 1);
        var model = new GatedModel();

        var call = scheduler.GenerateAsync(model, ["q"], EmbeddingPurpose.Query(), TestContext.Current.CancellationToken);

        Assert.Equal(1, model.Running);
        model.ReleaseAll();
        Assert.Single(await call);
    }

    [Fact]
    public async Task Generate_ManyWrites_RunOneAtATimeWhileQueriesStillRun()
    {
        using var scheduler = New(maxConcurrent: 2, maxWrites: 1);
        var model = new GatedModel();
        var ct = TestContext.Current.CancellationToken;

        var writes = Enumerable.Range(0, 3).Select(i => scheduler.GenerateAsync(model, [$"w{i}"], null, ct)).ToList();
        var query = scheduler.GenerateAsync(model, ["q"], EmbeddingPurpose.Query(), ct);

        Assert.Equal(["w0", "q"], model.Started);
        model.ReleaseAll();
        await Task.WhenAll([.. writes, query]);
        Assert.Equal(1, model.MaxWritesAtOnce);
    }

    [Fact]
    public async Task Generate_AllSlotsTaken_NextSlotGoesToWaitingQueryBeforeWaitingWrite()
    {
        using var scheduler = New(maxConcurrent: 2, maxWrites: 1);
        var model = new GatedModel();
        var ct = TestContext.Current.CancellationToken;
        var q0 = scheduler.GenerateAsync(model, ["q0"], EmbeddingPurpose.Query(), ct);
        var q1 = scheduler.GenerateAsync(model, ["q1"], EmbeddingPurpose.Query(), ct);

        var waitingWrite = scheduler.GenerateAsync(model, ["w0"], null, ct);
        var waitingQuery = scheduler.GenerateAsync(model, ["q2"], EmbeddingPurpose.Query(), ct);
        Assert.Equal((1, 1), (scheduler.WaitingWrites, scheduler.WaitingQueries));

        model.Release("q0");
        await q0;
        await WaitUntilAsync(() => model.Started.Contains("q2"));
        Assert.DoesNotContain("w0", model.Started);

        model.Release("q1");
        await q1;
        await WaitUntilAsync(() => model.Started.Contains("w0"));
        model.ReleaseAll();
        await Task.WhenAll(waitingWrite, waitingQuery);
        Assert.Equal(["q0", "q1", "q2", "w0"], model.Started);
    }

    [Fact]
    public async Task Generate_CancelledWhileWaiting_GivesUpWithoutTakingASlot()
    {
        using var scheduler = New(maxConcurrent: 2, maxWrites: 1);
        var model = new GatedModel();
        var ct = TestContext.Current.CancellationToken;
        var first = scheduler.GenerateAsync(model, ["q0"], EmbeddingPurpose.Query(), ct);
        var second = scheduler.GenerateAsync(model, ["q1"], EmbeddingPurpose.Query(), ct);
        using var cancel = new CancellationTokenSource();
        var third = scheduler.GenerateAsync(model, ["q2"], EmbeddingPurpose.Query(), cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third);
        model.ReleaseAll();
        await Task.WhenAll(first, second);

        var after = scheduler.GenerateAsync(model, ["q3"], EmbeddingPurpose.Query(), ct);
        Assert.Contains("q3", model.Started);
        model.ReleaseAll();
        await after;
        Assert.DoesNotContain("q2", model.Started);
    }

    private static EmbeddingScheduler New(int maxConcurrent, int maxWrites) =>
        new(Options.Create(new EmbeddingSchedulerOptions { MaxConcurrent = maxConcurrent, MaxConcurrentWrites = maxWrites, QueryBatchWindowMicroseconds = 0 }));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }

    /// <summary>A model whose calls stay in flight until released, recording the order they started in.</summary>
    private sealed class GatedModel : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly System.Threading.Lock _lock = new();
        private readonly Dictionary<string, TaskCompletionSource> _gates = [];
        private int _writes;
        private bool _releaseAll;

        public List<string> Started { get; } = [];

        public int Running { get; private set; }

        public int MaxWritesAtOnce { get; private set; }

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var text = values.Single();
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var write = !EmbeddingPurpose.IsQuery(options);
            lock (_lock)
            {
                Started.Add(text);
                _gates[text] = gate;
                if (_releaseAll)
                {
                    gate.TrySetResult();
                }

                Running++;
                if (write)
                {
                    MaxWritesAtOnce = Math.Max(MaxWritesAtOnce, ++_writes);
                }
            }

            await gate.Task;
            lock (_lock)
            {
                Running--;
                if (write)
                {
                    _writes--;
                }
            }

            return [new Embedding<float>(new float[] { 1 })];
        }

        public void Release(string text)
        {
            lock (_lock)
            {
                _gates[text].TrySetResult();
            }
        }

        /// <summary>Releases every call in flight now and, until the test ends, every later one as it starts.</summary>
        public void ReleaseAll()
        {
            lock (_lock)
            {
                _releaseAll = true;
                foreach (var gate in _gates.Values)
                {
                    gate.TrySetResult();
                }
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

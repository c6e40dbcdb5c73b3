using McpRag.Retrieval.Embeddings;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests;

/// <summary>
/// Query embeddings that meet while the model is busy are encoded in one run: each caller gets the vector a run of
/// its own would give (padding to the longest query must not move it), a cancelled caller does not fail the others,
/// and a lone query on an idle model is not held back.
/// </summary>
public sealed class QueryBatchingTests
{
    private const string Blocker = "a query that holds the model while the others arrive";

    private static readonly string[] Queries =
    [
        "refunds",
        "how long does a refund to my card take",
        "roaming charges",
        "Why was I charged twice for the same international roaming day pass while travelling in Spain last month?",
        "5G",
        "cancel contract early termination fee and the notice period for business accounts with more than ten lines",
    ];

    [Fact]
    public async Task Generate_ConcurrentQueriesOfDifferentLengths_OneRunGivesEachItsOwnVector()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = new RecordingModel(TestData.Embeddings);
        using var scheduler = New(maxBatch: Queries.Length);
        var blocker = scheduler.GenerateAsync(model, [Blocker], EmbeddingPurpose.Query(), ct);

        var batched = Queries.Select(q => scheduler.GenerateAsync(model, [q], EmbeddingPurpose.Query(), ct)).ToList();
        model.Open();
        await Bounded(blocker);
        var vectors = await Bounded(Task.WhenAll(batched));

        Assert.Contains(Queries.Length, model.BatchSizes);
        for (var i = 0; i < Queries.Length; i++)
        {
            var alone = (await TestData.Embeddings.GenerateAsync([Queries[i]], EmbeddingPurpose.Query(), ct))[0].Vector.Span;
            var together = Assert.Single(vectors[i]).Vector.Span;
            Assert.True(VectorMath.Dot(alone, together) >= 0.99999f, $"cosine of '{Queries[i]}' alone and batched is {VectorMath.Dot(alone, together)}");
            for (var d = 0; d < alone.Length; d++)
            {
                Assert.True(Math.Abs(alone[d] - together[d]) <= 1e-5f, $"'{Queries[i]}' dimension {d}: {alone[d]} alone, {together[d]} batched");
            }
        }
    }

    [Fact]
    public async Task Generate_BatchLeaderCancelled_OthersStillGetTheirVectors()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = new RecordingModel(new LengthModel());
        using var scheduler = New(maxBatch: 3);
        var blocker = scheduler.GenerateAsync(model, [Blocker], EmbeddingPurpose.Query(), ct);
        using var cancel = new CancellationTokenSource();

        var leader = scheduler.GenerateAsync(model, ["cancelled"], EmbeddingPurpose.Query(), cancel.Token);
        var second = scheduler.GenerateAsync(model, ["ab"], EmbeddingPurpose.Query(), ct);
        var third = scheduler.GenerateAsync(model, ["abc"], EmbeddingPurpose.Query(), ct);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bounded(leader));
        model.Open();

        Assert.Equal(2f, Assert.Single(await Bounded(second)).Vector.Span[0]);
        Assert.Equal(3f, Assert.Single(await Bounded(third)).Vector.Span[0]);
        await Bounded(blocker);
        Assert.DoesNotContain("cancelled", model.Texts);
    }

    [Fact]
    public async Task Generate_ModelFailsDuringBatch_EveryCallerGetsTheErrorAndTheSlotIsFreed()
    {
        var ct = TestContext.Current.CancellationToken;
        var model = new RecordingModel(new FailingModel());
        using var scheduler = New(maxBatch: 2, maxConcurrent: 2);
        var blocker = scheduler.GenerateAsync(model, [Blocker], EmbeddingPurpose.Query(), ct);

        var first = scheduler.GenerateAsync(model, ["one"], EmbeddingPurpose.Query(), ct);
        var second = scheduler.GenerateAsync(model, ["two"], EmbeddingPurpose.Query(), ct);
        model.Open();

        Assert.Equal("model down", (await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(first))).Message);
        Assert.Equal("model down", (await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(second))).Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(blocker));
        Assert.Contains(2, model.BatchSizes);
        Assert.Equal(0, scheduler.WaitingQueries);

        // Both slots are back: two more runs start (and fail) rather than wait for a slot forever.
        var later = new[] { "three", "four" }.Select(q => scheduler.GenerateAsync(model, [q], EmbeddingPurpose.Query(), ct)).ToList();
        foreach (var call in later)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => Bounded(call));
        }
    }

    [Fact]
    public async Task Generate_LoneQueryOnIdleModel_StartsWithoutWaitingForTheWindow()
    {
        var model = new RecordingModel(new LengthModel());
        using var scheduler = New(maxBatch: 16, windowMicroseconds: 50_000);

        var call = scheduler.GenerateAsync(model, [Blocker], EmbeddingPurpose.Query(), TestContext.Current.CancellationToken);

        Assert.Equal([1], model.BatchSizes);
        model.Open();
        Assert.Single(await Bounded(call));
    }

    private static EmbeddingScheduler New(int maxBatch, int windowMicroseconds = 50_000, int maxConcurrent = 4) =>
        new(Options.Create(new EmbeddingSchedulerOptions { MaxConcurrent = maxConcurrent, QueryBatchMaxSize = maxBatch, QueryBatchWindowMicroseconds = windowMicroseconds }));

    private static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    /// <summary>Records each model run's texts; runs that include <see cref="Blocker"/> wait until <see cref="Open"/>.</summary>
    private sealed class RecordingModel(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Threading.Lock _lock = new();

        public List<int> BatchSizes { get; } = [];

        public List<string> Texts { get; } = [];

        public void Open() => _open.TrySetResult();

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToArray();
            lock (_lock)
            {
                BatchSizes.Add(texts.Length);
                Texts.AddRange(texts);
            }

            if (texts.Contains(Blocker))
            {
                await _open.Task;
            }

            return await inner.GenerateAsync(texts, options, cancellationToken);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class FailingModel : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("model down");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>A model whose vector is the text's length: tells which caller got which vector.</summary>
    private sealed class LengthModel : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(new float[] { v.Length }))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

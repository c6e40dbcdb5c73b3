using Microsoft.Extensions.AI;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// Merges single-text query embeddings that meet while the model is busy into one model run. The first query of a
/// batch leads it: it takes a query slot from the <see cref="EmbeddingScheduler"/> (others join while it waits),
/// then, only if another query run is still in progress, waits up to the window for more to join, and runs the batch.
/// A lone query on an idle model therefore starts at once. The run belongs to the batch, not to its leader: a
/// caller that cancels just stops waiting for its vector, and the others still get theirs. Padding a short query
/// to the longest one in the batch does not change its vector (the model masks padding and pools over real tokens
/// only).
/// </summary>
internal sealed class QueryBatcher(EmbeddingScheduler scheduler, TimeSpan window, int maxSize)
{
    private readonly System.Threading.Lock _lock = new();
    private readonly Dictionary<IEmbeddingGenerator<string, Embedding<float>>, Batch> _open = new(ReferenceEqualityComparer.Instance);

    /// <summary>Batchable: exactly one text and options that say nothing but "query" (so every member is embedded alike).</summary>
    public static bool CanBatch(IEnumerable<string> values, EmbeddingGenerationOptions? options, out string text)
    {
        text = string.Empty;
        if (options is null || options.ModelId is not null || options.Dimensions is not null || options.AdditionalProperties?.Count != 1)
        {
            return false;
        }

        using var e = values.GetEnumerator();
        if (!e.MoveNext())
        {
            return false;
        }

        text = e.Current;
        return !e.MoveNext();
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEmbeddingGenerator<string, Embedding<float>> model, string text, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var member = new Member(text, cancellationToken);
        Batch? lead = null;
        lock (_lock)
        {
            if (!_open.TryGetValue(model, out var batch) || batch.Members.Count >= maxSize)
            {
                batch = lead = new Batch(model);
                _open[model] = batch;
            }

            batch.Members.Add(member);
            if (batch.Members.Count >= maxSize)
            {
                batch.Full.TrySetResult();
            }
        }

        if (lead is not null)
        {
            _ = RunAsync(lead);
        }

        var vector = await member.Result.Task.WaitAsync(cancellationToken);
        return [vector];
    }

    private async Task RunAsync(Batch batch)
    {
        List<Member> members;
        try
        {
            await scheduler.EnterAsync(query: true, CancellationToken.None);
        }
        catch (Exception e)
        {
            Fail(Close(batch), e);
            return;
        }

        try
        {
            if (scheduler.RunningQueries > 0)
            {
                await Task.WhenAny(batch.Full.Task, Task.Delay(window));
            }

            members = Close(batch).Where(m => !m.CancellationToken.IsCancellationRequested).ToList();
            if (members.Count == 0)
            {
                return;
            }

            var vectors = await scheduler.RunAsync(batch.Model, members.Select(m => m.Text).ToArray(), EmbeddingPurpose.Query(), query: true, CancellationToken.None);
            if (vectors.Count != members.Count)
            {
                throw new InvalidOperationException($"the embedding model returned {vectors.Count} vectors for {members.Count} queries");
            }

            for (var i = 0; i < members.Count; i++)
            {
                members[i].Result.TrySetResult(vectors[i]);
            }
        }
        catch (Exception e)
        {
            Fail(Close(batch), e);
        }
        finally
        {
            scheduler.Leave();
        }
    }

    /// <summary>Stops the batch taking members (a later query opens the next batch) and returns who is in it.</summary>
    private List<Member> Close(Batch batch)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(batch.Model, out var open) && ReferenceEquals(open, batch))
            {
                _open.Remove(batch.Model);
            }

            return [.. batch.Members];
        }
    }

    private static void Fail(List<Member> members, Exception e)
    {
        foreach (var member in members)
        {
            member.Result.TrySetException(e);
        }
    }

    private sealed class Batch(IEmbeddingGenerator<string, Embedding<float>> model)
    {
        public IEmbeddingGenerator<string, Embedding<float>> Model { get; } = model;

        public List<Member> Members { get; } = [];

        public TaskCompletionSource Full { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Member(string text, CancellationToken cancellationToken)
    {
        public string Text { get; } = text;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<Embedding<float>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Diagnostics;
using McpRag.Retrieval.Ranking;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpRag.Retrieval.Search;

/// <summary>
/// The backend of a route that lists several sources (<see cref="TenantRoute.Sources"/>). A search asks every source
/// in parallel, each scoped to the caller's tenant by its own backend exactly as a single-backend route is and bounded
/// by the source's timeout, and fuses the answers by rank (<see cref="SourceFusion"/>). Hit ids name their source
/// (<c>source:id</c>: ids of different sources may collide), and <see cref="GetAsync"/> reads a document from the source
/// its id names. Paging keeps every source's own position in one position (<see cref="SourcePosition"/>). A source
/// that fails or times out becomes a <see cref="SearchWarning"/> beside the others' results; only when none answers is
/// the search an error. A source that refuses the search as invalid (a filter operator or a mode its backend cannot
/// express) is a warning too, naming the reason: the filter is never dropped, that source's results are missing, and
/// when every source refuses the search is <c>invalid_argument</c>. Writes go to the route's first source, with that
/// source's own ids.
/// </summary>
internal sealed class SourcesBackend(Func<TenantRoute, IRetrievalBackend> backendOf, IReadOnlyCollection<IRetrievalBackend> backends, ILogger? logger = null) : IRetrievalBackend
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public string Name => TenantRoute.SourcesBackendName;

    /// <summary>Bound by <see cref="BackendRegistry.ValidateRoute"/>, source by source.</summary>
    public TenantRoute ValidateRoute(TenantRoute route) => route;

    public async Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken)
    {
        var sources = SourcesOf(route);
        var positions = SourcePosition.Decode(sources, query.Position);
        var answers = await Task.WhenAll(sources.Select((source, i) => AskAsync(source, positions[i], principal, query, cancellationToken)));
        if (answers.All(a => a.Failure is not null))
        {
            var reasons = string.Join("; ", answers.Select((a, i) => $"{sources[i].Name}: {a.Failure}"));
            throw answers.All(a => a.Refused)
                ? RetrievalException.Invalid("every source of this tenant refused the search: " + reasons)
                : new RetrievalException(RetrievalErrorCode.BackendUnavailable, "no source of this tenant answered: " + reasons);
        }

        var (hits, used) = SourceFusion.Merge(
            sources.Select(s => s.Name).ToArray(),
            answers.Select(a => a.Candidates?.All).ToArray(),
            positions.Select(p => p?.Rank ?? 0).ToArray(),
            query.TopK);
        var next = positions.Select((p, i) => p is null ? null : answers[i].Candidates is { } c ? c.After(p, used[i]) : p).ToArray();
        var exhausted = next.Sum(p => p?.Rank ?? 0) >= SearchLimits.MaxResultWindow;
        return new SearchPage(hits, exhausted ? null : SourcePosition.Encode(sources, next))
        {
            Warnings = answers.Select((a, i) => a.Failure is { } reason ? new SearchWarning(sources[i].Name, reason) : null).OfType<SearchWarning>().ToArray(),
            Sources = answers.Select((a, i) => new SourceReport(sources[i].Name, sources[i].Route.Backend, a.Outcome, a.LatencyMs, hits.Count(h => h.Source == sources[i].Name))).ToArray(),
        };
    }

    public async Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var separator = id.IndexOf(':', StringComparison.Ordinal);
        var source = separator > 0 ? SourcesOf(route).FirstOrDefault(s => string.Equals(s.Name, id[..separator], StringComparison.Ordinal)) : null;
        if (source is null || separator == id.Length - 1)
        {
            throw RetrievalException.Invalid($"id must name one of this tenant's sources ({string.Join(", ", SourcesOf(route).Select(s => s.Name))}) as '<source>:<id>', as search results give it");
        }

        var document = await backendOf(source.Route).GetAsync(source.Route, principal, id[(separator + 1)..], cancellationToken);
        return document is null ? null : document with { Id = id };
    }

    /// <summary>
    /// What a write is charged: the route is not known here, so the most any backend would embed for it (writes go to
    /// the first source, and the local backend, the costliest, is the usual one).
    /// </summary>
    public int EmbeddingCost(RetrievalDocument document) => backends.Max(b => b.EmbeddingCost(document));

    public Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var first = SourcesOf(route)[0].Route;
        return backendOf(first).UpsertAsync(first, principal, documents, progress, cancellationToken);
    }

    public Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var first = SourcesOf(route)[0].Route;
        return backendOf(first).DeleteAsync(first, principal, id, cancellationToken);
    }

    private static IReadOnlyList<RouteSource> SourcesOf(TenantRoute? route) =>
        route?.Sources ?? throw new RetrievalException(RetrievalErrorCode.BackendError, "the request could not be completed");

    /// <summary>One source's next hits within its timeout; a failure is a one-line reason for the caller, never an exception.</summary>
    private async Task<SourceAnswer> AskAsync(RouteSource source, SourcePosition? position, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken)
    {
        if (position is null)
        {
            return new SourceAnswer(null, null, false, SourceReport.Exhausted, 0);
        }

        var started = Stopwatch.GetTimestamp();
        var backend = backendOf(source.Route);
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(source.Timeout);
        var fetch = SourceCandidates.FetchAsync((q, ct) => backend.SearchAsync(source.Route, principal, q, ct), query, position, timeout.Token);
        // A backend that ignores cancellation is not waited for; its source is disposed of once it does finish.
        _ = fetch.ContinueWith(_ => timeout.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            var candidates = await fetch.WaitAsync(source.Timeout, cancellationToken);
            return new SourceAnswer(candidates, null, false, SourceReport.Ok, Elapsed());
        }
        catch (RetrievalException ex) when (ex.Code == RetrievalErrorCode.InvalidArgument)
        {
            return new SourceAnswer(null, ex.Message, true, SourceReport.Failed, Elapsed());
        }
        catch (RetrievalException ex)
        {
            return new SourceAnswer(null, ex.Message, false, SourceReport.Failed, Elapsed());
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new SourceAnswer(null, $"no answer within {source.Timeout.TotalMilliseconds:0} ms", false, SourceReport.TimedOut, Elapsed());
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Source {Source} of tenant {Tenant} failed", source.Name, principal.TenantId);
            return new SourceAnswer(null, "the source could not be searched", false, SourceReport.Failed, Elapsed());
        }

        double Elapsed() => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>One source's part of a search: its candidates, or why it has none (<c>Refused</c>: it refused the search as invalid rather than failing to answer).</summary>
    private sealed record SourceAnswer(SourceCandidates? Candidates, string? Failure, bool Refused, string Outcome, double LatencyMs);
}

using System.Security.Cryptography;
using System.Text;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Searches a customer's Amazon Q index through the ISV's data accessor (<c>backend: qindex</c>). Each call runs
/// with identity-aware credentials of the calling user, so Amazon Q applies that user's document permissions; the
/// server adds tenant isolation (the route comes from the caller's token), the tenant's static filter and paging
/// bound to the caller. Read-only: the customer's index is fed by their own data sources.
/// </summary>
public sealed class QIndexBackend(
    IDataAccessorCredentialProvider credentials,
    ISearchRelevantContentClient client,
    RecentResults recent,
    ILogger<QIndexBackend> logger) : IRetrievalBackend
{
    public const string BackendName = "qindex";

    public string Name => BackendName;

    public TenantRoute ValidateRoute(TenantRoute route) => QIndexRoute.Bind(route);

    public async Task<SearchPage> SearchAsync(TenantRoute route, TenantPrincipal principal, SearchQuery query, CancellationToken cancellationToken)
    {
        if (query.Mode != SearchMode.Hybrid)
        {
            throw RetrievalException.Invalid(
                $"mode '{query.Mode.ToString().ToLowerInvariant()}' does not apply to this tenant's backend (Amazon Q index ranks results itself); use 'hybrid'");
        }

        var target = RouteOf(route);
        var request = new SearchRelevantContentRequest(query.Text, new ContentSource(new RetrieverContentSource(target.RetrieverId)))
        {
            AttributeFilter = QIndexFilters.Build(target, query.Criteria()),
            MaxResults = Math.Min(query.TopK, target.MaxResults ?? QIndexRoute.MaxResultsLimit),
            NextToken = query.Position is null ? null : NextTokenOf(query.Position, principal),
        };

        var callerCredentials = await credentials.GetCredentialsAsync(target, principal, cancellationToken);
        SearchRelevantContentResponse response;
        try
        {
            response = await client.SearchRelevantContentAsync(target.Region, target.ApplicationId, request, callerCredentials, cancellationToken);
        }
        catch (QBusinessException ex)
        {
            throw Map(target, ex);
        }
        catch (HttpRequestException ex)
        {
            logger.LogError("qindex tenant {Tenant}: Q Business unreachable: {Reason}", target.TenantId, ex.Message);
            throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's backend is not available right now");
        }

        var passages = (response.RelevantContent ?? []).Where(c => !string.IsNullOrEmpty(c.DocumentId)).ToList();
        await recent.RememberAsync(principal.TenantId, principal.Subject, passages, cancellationToken);

        // Q index returns passages; a document whose several passages matched is one hit, at its best passage's rank.
        var hits = passages
            .GroupBy(p => p.DocumentId!, StringComparer.Ordinal)
            .Select(g => QIndexResults.ToHit(g.First()))
            .Select(h => Cut(h, query.SnippetChars))
            .ToList();
        var next = string.IsNullOrEmpty(response.NextToken) ? null : PositionOf(response.NextToken, principal);
        return new SearchPage(hits, next);
    }

    /// <summary>A hit with Q index's excerpt cut to the caller's snippet length (fetch still reads the whole excerpt).</summary>
    private static SearchHit Cut(SearchHit hit, int snippetChars)
    {
        var snippet = SnippetText.Shorten(hit.Snippet, snippetChars);
        return hit with { Snippet = snippet, SnippetTruncated = snippet.Length != hit.Snippet.Length };
    }

    /// <summary>The passages of this document the caller was shown by a recent search; Q index has no get-by-id.</summary>
    public Task<RetrievalDocument?> GetAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) =>
        Task.FromResult(recent.Find(principal.TenantId, principal.Subject, id));

    public Task<int> UpsertAsync(TenantRoute route, TenantPrincipal principal, IReadOnlyList<RetrievalDocument> documents, IProgress<int>? progress, CancellationToken cancellationToken) =>
        throw ReadOnly();

    public Task<bool> DeleteAsync(TenantRoute route, TenantPrincipal principal, string id, CancellationToken cancellationToken) =>
        throw ReadOnly();

    private static RetrievalException ReadOnly() => new(RetrievalErrorCode.Forbidden, "this tenant's backend is read-only");

    private static QIndexRoute RouteOf(TenantRoute route) =>
        route.Location as QIndexRoute
        ?? throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's backend is not available right now");

    /// <summary>
    /// A <c>nextToken</c> belongs to the user whose credentials produced it. The tool layer binds cursors to tenant
    /// and query; the position adds the subject, so a cursor passed to another user of the tenant is refused.
    /// </summary>
    private static string PositionOf(string nextToken, TenantPrincipal principal) => SubjectTag(principal) + "~" + nextToken;

    private static string NextTokenOf(string position, TenantPrincipal principal)
    {
        var tag = SubjectTag(principal) + "~";
        return position.StartsWith(tag, StringComparison.Ordinal) && position.Length > tag.Length && position.Length - tag.Length <= 800
            ? position[tag.Length..]
            : throw RetrievalException.Invalid("cursor is not valid for this search");
    }

    private static string SubjectTag(TenantPrincipal principal) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(principal.TenantId + "\0" + principal.Subject)))[..16];

    private RetrievalException Map(QIndexRoute route, QBusinessException ex)
    {
        switch (ex.ErrorType)
        {
            case "AccessDeniedException":
                logger.LogWarning(
                    "qindex tenant {Tenant}: SearchRelevantContent denied; check that the customer's data accessor names this role and grants it the retriever, and that the user is assigned to the application: {Reason}",
                    route.TenantId, ex.Message);
                return new RetrievalException(RetrievalErrorCode.Forbidden, "the tenant's Amazon Q index refused access for this caller");
            case "LicenseNotFoundException":
                logger.LogWarning("qindex tenant {Tenant}: the user has no Amazon Q Business subscription in the customer's application: {Reason}", route.TenantId, ex.Message);
                return new RetrievalException(RetrievalErrorCode.Forbidden, "the tenant's Amazon Q index refused access for this caller");
            case "ThrottlingException":
                logger.LogWarning("qindex tenant {Tenant}: SearchRelevantContent still throttled after retries", route.TenantId);
                return new RetrievalException(RetrievalErrorCode.Throttled, "the tenant's backend is busy; try again shortly") { RetryAfter = TimeSpan.FromSeconds(5) };
            case "ValidationException":
                logger.LogInformation("qindex tenant {Tenant}: SearchRelevantContent rejected the request: {Reason}", route.TenantId, ex.Message);
                return RetrievalException.Invalid("the tenant's backend rejected the search as invalid; check the query, filters and cursor");
            case "ResourceNotFoundException":
                logger.LogError(
                    "qindex tenant {Tenant}: tenant_not_provisioned: the application or retriever in the route does not exist (or is in another region): {Reason}",
                    route.TenantId, ex.Message);
                return new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's backend is not available right now");
            default:
                logger.LogError("qindex tenant {Tenant}: SearchRelevantContent failed ({ErrorType}, HTTP {Status}): {Reason}", route.TenantId, ex.ErrorType, (int)ex.Status, ex.Message);
                return new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's backend is not available right now");
        }
    }
}

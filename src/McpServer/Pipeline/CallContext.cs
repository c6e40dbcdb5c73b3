using System.Diagnostics;
using McpRag.McpServer.Hosting;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// Everything one MCP request has decided so far, passed from stage to stage: who the caller is (resolved once), what
/// they asked for, the route and backend it was bound to, the quota lease, and what the audit event will say. Over
/// HTTP one context lives for the HTTP request (a request carries one JSON-RPC message) and is a feature of it; over
/// stdio the call pipeline makes one per message. No stage re-reads what an earlier one decided.
/// </summary>
internal sealed class CallContext(string transport, string requestId)
{
    /// <summary><c>http</c> or <c>stdio</c>, for the audit trail.</summary>
    public string Transport { get; } = transport;

    public string RequestId { get; } = requestId;

    public DateTimeOffset Time { get; } = DateTimeOffset.UtcNow;

    public long StartedAt { get; } = Stopwatch.GetTimestamp();

    /// <summary>What the HTTP transport read from the posted JSON-RPC message (method, tool, id), in its one pass over the body.</summary>
    public McpRequestSummary? Request { get; set; }

    /// <summary>The tool a <c>tools/call</c> names, or <c>resources/read</c>; what the audit trail calls the operation.</summary>
    public string? Operation { get; set; }

    /// <summary>The caller, once <see cref="AuthenticateStage"/> resolved them; <c>null</c> before or when they could not be.</summary>
    public TenantPrincipal? Caller { get; set; }

    /// <summary>The tenant's route, once <see cref="RouteStage"/> found it.</summary>
    public TenantRoute? Route { get; set; }

    /// <summary>The backend the route names, bound by <see cref="RouteStage"/>.</summary>
    public IRetrievalBackend? Backend { get; set; }

    /// <summary>The admitted quota lease of <see cref="ThrottleStage"/>, released when the call ends.</summary>
    public IDisposable? Lease { get; set; }

    /// <summary>Whether the handler's own code has run, i.e. its arguments were bound (an exception before that is the caller's input).</summary>
    public bool HandlerStarted { get; private set; }

    /// <summary>The search's query text and ranking mode as the handler understood them, for the audit trail.</summary>
    public (string Query, string? Mode)? Search { get; private set; }

    /// <summary>How many results the handler returned (fetch and resource reads: one).</summary>
    public int? Hits { get; private set; }

    /// <summary>How each source of a several-source route fared in a search (latency, outcome), for the audit trail.</summary>
    public IReadOnlyList<SourceReport>? Sources { get; set; }

    /// <summary>Why the call failed, in the words the caller sees; <c>null</c> when it succeeded.</summary>
    public RetrievalException? Failure { get; set; }

    /// <summary>Whether the caller went away (or the server stopped) before the call finished.</summary>
    public bool Cancelled { get; set; }

    /// <summary>The caller for a handler: bound before any handler runs, or the call fails closed.</summary>
    public TenantPrincipal Principal => Caller ?? throw NotBound();

    public TenantRoute BoundRoute => Route ?? throw NotBound();

    public IRetrievalBackend BoundBackend => Backend ?? throw NotBound();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(StartedAt);

    /// <summary>Gives the quota's concurrency slot back.</summary>
    public void ReleaseLease()
    {
        Lease?.Dispose();
        Lease = null;
    }

    /// <summary>The context of the request a handler is running for, marking that the handler's code has started.</summary>
    public static CallContext For(MessageContext context)
    {
        var call = context.Items.TryGetValue(ItemKey, out var value) && value is CallContext bound ? bound : throw NotBound();
        call.HandlerStarted = true;
        return call;
    }

    /// <summary>Hands this context to the handler of <paramref name="context"/>.</summary>
    public void AttachTo(MessageContext context) => context.Items[ItemKey] = this;

    /// <summary>Records what a search looked for; only a valid mode is kept (the raw argument is caller-chosen text).</summary>
    public void Searched(string query, SearchMode? mode) => Search = (query, mode?.ToString().ToLowerInvariant());

    /// <summary>Records how many results the call returned.</summary>
    public void Found(int hits) => Hits = hits;

    private const string ItemKey = "mcprag.call";

    private static RetrievalException NotBound() => new(RetrievalErrorCode.Unauthenticated, "no authenticated caller");
}

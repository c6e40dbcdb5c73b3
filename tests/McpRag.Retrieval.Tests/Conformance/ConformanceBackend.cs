using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Tests.Conformance;

/// <summary>
/// One backend under the conformance suite, shared by all tests of a class (an xunit class fixture): it starts the
/// backend and seeds the two colliding tenants once, because embedding the seed documents is the expensive part.
/// Tests that write use tenants of their own, so the seeded data stays as seeded whatever order tests run in.
/// </summary>
public abstract class ConformanceBackend : IAsyncLifetime
{
    public const string TenantOne = "tenant-one";
    public const string TenantTwo = "tenant-two";

    /// <summary>The second tenant holds documents that collide with the first's (same ids, same titles, different text), so a leak cannot hide.</summary>
    public static readonly RetrievalDocument[] TenantOneDocuments =
    [
        Doc("refund-policy", "Refund policy", "Returns are accepted within 45 days of delivery. A prepaid return label is free. Final-sale items cannot be returned.", "policy"),
        Doc("esim-setup", "Activating an eSIM", "Scan the QR code in Settings, then Cellular, then Add eSIM. Activation takes up to ten minutes.", "faq"),
        Doc("outage-map", "Checking network outages", "The outage map shows towers under maintenance and estimated restore times by postcode.", "faq"),
    ];

    public static readonly RetrievalDocument[] TenantTwoDocuments =
    [
        Doc("refund-policy", "Refund policy", "Flight cancellations within 24 hours of booking are refunded in full. After that, airline credit vouchers apply.", "policy"),
        Doc("baggage", "Checked baggage allowance", "Economy fares include one checked bag of 23 kilograms. Extra bags cost 60 dollars each way.", "faq"),
    ];

    public abstract IRetrievalBackend Backend { get; }

    public abstract TenantRoute RouteOf(string tenantId);

    public virtual TenantPrincipal Caller(string tenantId) => TenantPrincipal.Operator(tenantId);

    /// <summary>
    /// Search modes the backend refuses by design, each with the reason. The suite does not run its mode cases for
    /// them, and checks instead that the backend really refuses each one as an invalid argument.
    /// </summary>
    public virtual IReadOnlyDictionary<SearchMode, string> UnsupportedModes { get; } = new Dictionary<SearchMode, string>();

    /// <summary>
    /// Why <c>fetch</c> answers only documents a recent search showed the caller, or <c>null</c> when the backend
    /// reads any document by id. Fetch cases then search first, as an agent does.
    /// </summary>
    public virtual string? FetchNeedsSearchFirst => null;

    /// <summary>Why this backend cannot run here at all (e.g. no live cluster configured), or <c>null</c>.</summary>
    public virtual string? Unavailable => null;

    public static RetrievalDocument Doc(string id, string title, string text, string category) =>
        new(id, title, text) { Url = $"https://kb.example/{id}", Attributes = new Dictionary<string, IReadOnlyList<string>> { ["category"] = [category] } };

    /// <summary>Starts the backend (and whatever it talks to).</summary>
    protected abstract ValueTask StartAsync();

    /// <summary>Stores a tenant's documents; read-only backends override this to load them into the service they read.</summary>
    protected virtual Task SeedAsync(string tenantId, IReadOnlyList<RetrievalDocument> documents) =>
        Backend.UpsertAsync(RouteOf(tenantId), Caller(tenantId), documents, null, CancellationToken.None);

    public async ValueTask InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        await StartAsync();
        await SeedAsync(TenantOne, TenantOneDocuments);
        await SeedAsync(TenantTwo, TenantTwoDocuments);
    }

    public abstract ValueTask DisposeAsync();
}

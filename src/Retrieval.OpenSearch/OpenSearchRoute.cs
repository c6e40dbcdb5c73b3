using System.Text.Json;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Tenancy;
using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// The OpenSearch-specific settings of a route, read from <see cref="TenantRoute.Settings"/> once when the routing
/// table loads and carried on <see cref="TenantRoute.Location"/>. Parsing validates every field, so a bad
/// routing-table edit is refused with a one-line reason instead of failing at query time.
/// </summary>
/// <param name="Route">The route's common fields as read from the table (the tenant, its isolation).</param>
/// <param name="Endpoint">The cluster's REST endpoint.</param>
/// <param name="Index">The index the route's documents live in (<see cref="OpenSearchIndexNames.For"/>).</param>
public sealed record OpenSearchRoute(TenantRoute Route, Uri Endpoint, string Index) : BackendLocation
{
    public string TenantId => Route.TenantId;

    public TenantIsolation Isolation => Route.Isolation;

    /// <summary>Keyword field that carries the tenant on every document (and that the DLS role filters on).</summary>
    public string TenantField { get; init; } = "tenant_id";

    public string TitleField { get; init; } = "title";

    public string TextField { get; init; } = "text";

    public string VectorField { get; init; } = "embedding";

    /// <summary>Embedding model the index was built with; query vectors must come from the same model.</summary>
    public string EmbeddingModel { get; init; } = MiniLmEmbeddingGenerator.ModelId;

    /// <summary>Vector size: 384 for MiniLM; 256, 512 or 1024 for Titan Text Embeddings V2.</summary>
    public int Dimensions { get; init; } = MiniLmEmbeddingGenerator.Dimensions;

    /// <summary>k-NN engine for new indexes: <c>lucene</c> or <c>faiss</c>, the two that filter efficiently.</summary>
    public string Engine { get; init; } = "lucene";

    public OpenSearchAuthMode Auth { get; init; } = OpenSearchAuthMode.JwtExchange;

    /// <summary>Audience of the JWT minted for OpenSearch (jwt-exchange); defaults to the endpoint's origin.</summary>
    public string Audience { get; init; } = string.Empty;

    /// <summary>The OpenSearch security role the tenant's backend role maps to (the original design's <c>rag_role</c>).</summary>
    public string Role { get; init; } = string.Empty;

    /// <summary>AWS region for SigV4 signing.</summary>
    public string? Region { get; init; }

    /// <summary>The one-line reason an OpenSearch Serverless route is refused when the routing table loads.</summary>
    public const string ServerlessRefusal =
        "OpenSearch Serverless (aoss) is not supported: its vector collections assign their own document ids, and this backend addresses documents by id; use a managed OpenSearch domain";

    /// <summary>SigV4 signing name: <c>es</c> for managed domains (OpenSearch Serverless is refused, see <see cref="ServerlessRefusal"/>).</summary>
    public string SigningService { get; init; } = "es";

    /// <summary>Names of the environment variables holding the basic-auth user and password (never the secrets themselves).</summary>
    public string? UsernameVariable { get; init; }

    public string? PasswordVariable { get; init; }

    /// <summary>
    /// Whether tenants share the index, so the FGAC role must also carry document-level security. (The server's own
    /// tenant filter is added to every query in every mode.)
    /// </summary>
    public bool FiltersOnTenant => Isolation == TenantIsolation.Document;

    /// <summary>The route with its OpenSearch settings bound; throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static TenantRoute Bind(TenantRoute route) => route with { Location = ParseOrThrow(route) };

    /// <summary>The OpenSearch settings bound to a route when the routing table loaded.</summary>
    public static OpenSearchRoute Of(TenantRoute route) =>
        route.Location as OpenSearchRoute
        ?? throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's route is misconfigured: it was not read through the routing table");

    /// <summary>Reads and validates a route; returns the settings or a one-line reason.</summary>
    public static (OpenSearchRoute? Route, string? Error) Parse(TenantRoute route)
    {
        try
        {
            return (ParseOrThrow(route), null);
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }

    private static OpenSearchRoute ParseOrThrow(TenantRoute route)
    {
        var settings = route.Settings;
        var endpointText = String(settings, "endpoint") ?? throw new FormatException("\"endpoint\" is required for the opensearch backend");
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(endpoint.UserInfo) || !string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment))
        {
            throw new FormatException("\"endpoint\" must be an http(s) URL without credentials, query or fragment");
        }

        var index = OpenSearchIndexNames.For(route);
        if (!OpenSearchIndexNames.IsValid(index))
        {
            throw new FormatException($"index '{ErrorText.Shorten(index)}' is invalid: use 1-{OpenSearchIndexNames.MaxLength} of a-z, 0-9, '-', '_' and '.', starting with a letter or digit");
        }

        var auth = String(settings, "auth") switch
        {
            null or "jwt-exchange" => OpenSearchAuthMode.JwtExchange,
            "sigv4" => OpenSearchAuthMode.SigV4,
            "basic" => OpenSearchAuthMode.Basic,
            "jwt-passthrough" => OpenSearchAuthMode.JwtPassthrough,
            var other => throw new FormatException($"auth '{ErrorText.Shorten(other)}' is not one of jwt-exchange, sigv4, basic, jwt-passthrough"),
        };
        var model = String(settings, "embeddingModel") ?? MiniLmEmbeddingGenerator.ModelId;
        var dimensions = Int(settings, "dimensions") ?? (model == MiniLmEmbeddingGenerator.ModelId ? MiniLmEmbeddingGenerator.Dimensions : BedrockTitanEmbeddingGenerator.DefaultDimensions);
        if (model == MiniLmEmbeddingGenerator.ModelId && dimensions != MiniLmEmbeddingGenerator.Dimensions)
        {
            throw new FormatException($"\"dimensions\" must be {MiniLmEmbeddingGenerator.Dimensions} for {MiniLmEmbeddingGenerator.ModelId}");
        }

        if (model == BedrockTitanEmbeddingGenerator.ModelId && !BedrockTitanEmbeddingGenerator.SupportedDimensions.Contains(dimensions))
        {
            throw new FormatException("\"dimensions\" must be 256, 512 or 1024 for " + BedrockTitanEmbeddingGenerator.ModelId);
        }

        if (model != MiniLmEmbeddingGenerator.ModelId && model != BedrockTitanEmbeddingGenerator.ModelId)
        {
            throw new FormatException($"embeddingModel '{ErrorText.Shorten(model)}' is not one of {MiniLmEmbeddingGenerator.ModelId}, {BedrockTitanEmbeddingGenerator.ModelId}");
        }

        var engine = String(settings, "engine") ?? "lucene";
        if (engine is not ("lucene" or "faiss"))
        {
            throw new FormatException("\"engine\" must be lucene or faiss (the engines that filter k-NN results efficiently)");
        }

        var service = String(settings, "signingService") ?? "es";
        if (service == "aoss" || endpoint.Host.EndsWith(".aoss.amazonaws.com", StringComparison.OrdinalIgnoreCase))
        {
            // Serverless vector collections assign their own document ids, and this backend addresses every document
            // (upsert, fetch, unchanged-content check, delete) by its own _id: refused up front rather than failing later.
            throw new FormatException(ServerlessRefusal);
        }

        if (service != "es")
        {
            throw new FormatException("\"signingService\" must be es (a managed OpenSearch domain)");
        }

        var region = String(settings, "region");
        if (auth == OpenSearchAuthMode.SigV4 && region is null)
        {
            throw new FormatException("\"region\" is required with auth sigv4");
        }

        var username = String(settings, "usernameVariable");
        var password = String(settings, "passwordVariable");
        if (auth == OpenSearchAuthMode.Basic && (username is null || password is null))
        {
            throw new FormatException("auth basic needs \"usernameVariable\" and \"passwordVariable\" (names of environment variables)");
        }

        if (auth != OpenSearchAuthMode.SigV4 && endpoint.Scheme != "https" && !endpoint.IsLoopback)
        {
            throw new FormatException($"auth {String(settings, "auth") ?? "jwt-exchange"} sends a credential and needs an https endpoint");
        }

        return new OpenSearchRoute(route, endpoint, index)
        {
            TenantField = Field(settings, "tenantField") ?? "tenant_id",
            TitleField = Field(settings, "titleField") ?? "title",
            TextField = Field(settings, "textField") ?? "text",
            VectorField = Field(settings, "vectorField") ?? "embedding",
            EmbeddingModel = model,
            Dimensions = dimensions,
            Engine = engine,
            Auth = auth,
            Audience = String(settings, "audience") ?? endpoint.GetLeftPart(UriPartial.Authority),
            Role = String(settings, "role") ?? "mcprag_" + route.TenantId.Replace('-', '_'),
            Region = region,
            SigningService = service,
            UsernameVariable = username,
            PasswordVariable = password,
        };
    }

    private static string? String(JsonElement settings, string name)
    {
        if (settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : throw new FormatException($"\"{name}\" must be a non-empty string");
    }

    private static int? Int(JsonElement settings, string name) =>
        settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
        : throw new FormatException($"\"{name}\" must be an integer");

    private static string? Field(JsonElement settings, string name)
    {
        var field = String(settings, name);
        return field is null || (field.Length <= 64 && field.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') && field[0] != '_')
            ? field
            : throw new FormatException($"\"{name}\" must be 1-64 of A-Z, a-z, 0-9, '_' and '-', not starting with '_'");
    }

}

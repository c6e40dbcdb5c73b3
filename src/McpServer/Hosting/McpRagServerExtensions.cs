using McpRag.McpServer.Audit;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Pipeline;
using McpRag.McpServer.Telemetry;
using McpRag.McpServer.Throttling;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using McpRag.McpServer.Tools;
using McpRag.Retrieval;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace McpRag.McpServer.Hosting;

/// <summary>The services and MCP server both transports share: retrieval, token validation, tools and the per-call pipeline.</summary>
internal static class McpRagServerExtensions
{
    public const string ServerName = "mcprag";

    public static IMcpServerBuilder AddMcpRagServer(this IServiceCollection services, IConfiguration configuration, string? listenUrls = null)
    {
        services.AddMcpRagRetrieval().AddThrottling();
        services.AddMcpRagAuth(listenUrls);
        services.AddMcpRagObservability(configuration);
        services.AddOptions<CursorOptions>().BindConfiguration(CursorOptions.Section)
            .Validate(o => o.Secret is null || IsKey(o.Secret), "McpRag:Cursor:Secret must be base64 of at least 32 bytes")
            .ValidateOnStart();
        services.AddSingleton<CursorCodec>();
        services.AddSingleton<ToolScopes>();
        services.AddOptions<ToolAccessOptions>().BindConfiguration(ToolAccessOptions.Section);
        services.AddMcpRagPipeline();
        services.AddSingleton<ToolListFilter>();
        services.AddSingleton<EmbeddingWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddingWarmup>());

        return services
            .AddMcpServer(options =>
            {
                options.ServerInfo = new Implementation { Name = ServerName, Title = "McpRag tenant-scoped retrieval", Version = Version };
                options.ServerInstructions =
                    "Search tools over the caller's own knowledge base. Use 'search' to find documents, then 'fetch' with a result id to read one in full. " +
                    "Results come only from the tenant named in the caller's token.";
            })
            .WithTools<SearchTools>()
            .WithTools<DocumentTools>()
            .WithResources<DocumentResources>()
            .WithRequestFilters(filters => filters
                .AddListToolsFilter(next => (context, cancellationToken) =>
                    context.Services!.GetRequiredService<ToolListFilter>().InvokeAsync(context, next, cancellationToken))
                .AddCallToolFilter(next => (context, cancellationToken) =>
                    context.Services!.GetRequiredService<CallPipeline>().InvokeAsync(context, next, cancellationToken))
                .AddReadResourceFilter(next => (context, cancellationToken) =>
                    context.Services!.GetRequiredService<CallPipeline>().InvokeAsync(context, next, cancellationToken)));
    }

    /// <summary>
    /// Every backend and both routing-table sources (file, DynamoDB), registered in this one place for the server and
    /// every operator verb alike, so a verb accepts exactly the routing tables <c>serve</c> accepts.
    /// </summary>
    public static IServiceCollection AddMcpRagRetrieval(this IServiceCollection services) =>
        services.AddRetrieval().AddLocalBackend().AddQIndexBackend().AddOpenSearchBackend().AddDynamoDbTenantDirectory();

    /// <summary>Audit trail, metrics and traces; OpenTelemetry export only when an OTLP endpoint is configured.</summary>
    public static IServiceCollection AddMcpRagObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => o.Capacity is >= 100 and <= 10_000_000, "McpRag:Audit:Capacity must be between 100 and 10000000")
            .Validate(o => o.QueryHashKey is null || IsKey(o.QueryHashKey), "McpRag:Audit:QueryHashKey must be base64 of at least 32 bytes")
            .ValidateOnStart();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section)
            .Validate(o => o.OtlpEndpoint is null || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _), "McpRag:Telemetry:OtlpEndpoint must be an absolute URL")
            .ValidateOnStart();
        services.AddSingleton<AuditLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        services.AddSingleton<McpRagTelemetry>();
        services.AddSingleton<CallRecorder>();

        var endpoint = configuration[$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)}"];
        if (!string.IsNullOrWhiteSpace(endpoint) && Uri.TryCreate(endpoint, UriKind.Absolute, out var otlp))
        {
            services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService(ServerName, serviceVersion: Version))
                .WithTracing(t => t.AddSource(McpRagTelemetry.Name, McpRagTelemetry.SdkSourceName).AddOtlpExporter(o => o.Endpoint = otlp))
                .WithMetrics(m => m.AddMeter(McpRagTelemetry.Name).AddOtlpExporter(o => o.Endpoint = otlp));
        }

        return services;
    }

    /// <summary>
    /// Token validation services, also used by <c>token issue</c> (which needs the audience and dev key).
    /// <paramref name="listenUrls"/> is the HTTP listen address; an unset <see cref="AuthOptions.ResourceUrl"/> is
    /// derived from it; without one (stdio, operator verbs) development modes default to <see cref="AuthOptions.DevelopmentResourceUrl"/>.
    /// </summary>
    public static IServiceCollection AddMcpRagAuth(this IServiceCollection services, string? listenUrls = null)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .PostConfigure(o => o.ResourceUrl ??= listenUrls is not null
                ? AuthOptions.ResourceUrlFromListenAddress(listenUrls, HttpServerHost.McpPath)
                : o.TrustDevelopmentKey ? AuthOptions.DevelopmentResourceUrl : null)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<DevSigningKey>();
        services.AddSingleton<TokenValidationSetup>();
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<TenantPrincipalFactory>();
        services.AddSingleton<ITenantPrincipalFactory>(sp => sp.GetRequiredService<TenantPrincipalFactory>());
        return services;
    }

    public static string Version { get; } =
        typeof(McpRagServerExtensions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static bool IsKey(string secret)
    {
        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret, buffer, out var length) && length >= 32;
    }
}

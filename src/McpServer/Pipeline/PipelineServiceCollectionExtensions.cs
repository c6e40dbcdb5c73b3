namespace McpRag.McpServer.Pipeline;

/// <summary>Registers the stages of the per-call pipeline, shared by both transports.</summary>
internal static class PipelineServiceCollectionExtensions
{
    public static IServiceCollection AddMcpRagPipeline(this IServiceCollection services) => services
        .AddSingleton<AuthenticateStage>()
        .AddSingleton<AuthorizeStage>()
        .AddSingleton<RouteStage>()
        .AddSingleton<ThrottleStage>()
        .AddSingleton<AuditStage>()
        .AddSingleton<CallPipeline>();
}

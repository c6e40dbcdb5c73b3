using McpRag.McpServer.Auth;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The stdio transport: one client, the caller's token from <c>MCPRAG_TOKEN</c> or <c>--token-file</c>,
/// validated on every tool call so an expired or replaced token takes effect mid-session.
/// </summary>
public static class StdioServerHost
{
    public static IHost Build(ServerSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        HostConfiguration.Apply(builder, settings.ConfigFile, settings.Dev);
        builder.Services.AddSingleton(new StdioTokenSource(settings.TokenFile));
        builder.Services.AddMcpRagServer(builder.Configuration).WithStdioServerTransport();
        return builder.Build();
    }
}

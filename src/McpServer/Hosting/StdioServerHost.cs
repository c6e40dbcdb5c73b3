using McpRag.McpServer.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The stdio transport: one client, the caller's token from <c>MCPRAG_TOKEN</c> or <c>--token-file</c>,
/// validated on every tool call so an expired or replaced token takes effect mid-session. Lines are bounded like
/// HTTP bodies (<see cref="BoundedStdio"/>).
/// </summary>
internal static class StdioServerHost
{
    public static IHost Build(ServerSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        HostConfiguration.Apply(builder, settings.ConfigFile, settings.Dev);
        builder.Services.AddSingleton(new StdioTokenSource(settings.TokenFile));
        builder.Services.AddHttpSecurity();
        builder.Services.AddMcpRagServer(builder.Configuration).WithStdioServerTransport();

        // The SDK's stdio transport reads lines of any length; this one reads the same stdin and stdout through the limit.
        builder.Services.Replace(ServiceDescriptor.Singleton<ITransport>(sp =>
        {
            var stdio = new BoundedStdio(Console.OpenStandardInput(), Console.OpenStandardOutput(), sp.GetRequiredService<IOptions<HttpSecurityOptions>>().Value.MaxRequestBodyBytes);
            var name = sp.GetRequiredService<IOptions<McpServerOptions>>().Value.ServerInfo?.Name ?? "mcprag";
            return new StreamServerTransport(stdio.Input, stdio.Output, name, sp.GetService<ILoggerFactory>());
        }));
        return builder.Build();
    }
}

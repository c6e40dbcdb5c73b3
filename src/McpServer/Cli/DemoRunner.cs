using McpRag.McpServer.Auth;
using McpRag.McpServer.Hosting;
using McpRag.Retrieval.Tenancy;

namespace McpRag.McpServer.Cli;

/// <summary>
/// The newcomer path: ingests every sample tenant's documents (idempotent: unchanged files are skipped), then prints
/// a development token per tenant and a client configuration that uses one of them.
/// </summary>
internal static class DemoRunner
{
    public static async Task RunAsync(ServerSettings settings, string samplesFolder, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(samplesFolder))
        {
            throw new CommandLineException($"samples folder not found: {samplesFolder} (pass --samples)");
        }

        // The listen address decides the resource URL, so the printed tokens carry the audience the server accepts.
        using var host = CliHost.Build(settings.ConfigFile, dev: true, settings.Urls);
        var directory = host.Services.GetRequiredService<FileTenantDirectory>();
        var runner = host.Services.GetRequiredService<IngestRunner>();
        var issuer = host.Services.GetRequiredService<DevTokenIssuer>();
        var tenants = directory.TenantIds.Where(t => Directory.Exists(Path.Combine(samplesFolder, t))).Order(StringComparer.Ordinal).ToList();
        foreach (var tenant in tenants)
        {
            await runner.RunAsync(tenant, [Path.Combine(samplesFolder, tenant)], cancellationToken);
        }

        var endpoint = settings.Urls.Split(';')[0].TrimEnd('/') + HttpServerHost.McpPath;
        var output = Console.Out;
        output.WriteLine();
        output.WriteLine("Development tokens (valid 8 hours, scope rag:read; trusted only by this demo and serve --dev):");
        string? first = null;
        foreach (var tenant in tenants)
        {
            var token = issuer.Issue(tenant, $"demo-user@{tenant}", [TenantPrincipal.ReadScope], TimeSpan.FromHours(8));
            first ??= token;
            output.WriteLine($"  {tenant}: {token}");
        }

        output.WriteLine();
        output.WriteLine("Quotas: tenant-d has a deliberately small one (30 calls a minute, burst 10). Call search as tenant-d a dozen");
        output.WriteLine("times in a row and the calls beyond the burst come back as 'throttled' with retry_after_seconds, while tenant-c is unaffected.");
        output.WriteLine();
        output.WriteLine("OAuth clients (VS Code, Claude Code, the Inspector) need no token: add the endpoint and sign in on the development");
        output.WriteLine("sign-in page they open (pick a sample tenant and the scopes). The tokens above are for clients without OAuth and for curl.");
        output.WriteLine();
        output.WriteLine($"MCP endpoint: {endpoint}");
        output.WriteLine("Client configuration (e.g. VS Code .vscode/mcp.json; put the token in an input or environment variable, not in a committed file):");
        output.WriteLine($$"""
            {
              "servers": {
                "mcprag": {
                  "type": "http",
                  "url": "{{endpoint}}",
                  "headers": { "Authorization": "Bearer ${input:mcprag-token}" }
                }
              },
              "inputs": [
                { "id": "mcprag-token", "type": "promptString", "description": "McpRag token (one printed above)", "password": true }
              ]
            }
            """);
        output.WriteLine();
        output.WriteLine($"Try it: curl -s {endpoint} -H 'Authorization: Bearer <token>' -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\");
        output.WriteLine("  -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"query\":\"refund policy\"}}}'");
        output.WriteLine();
        output.Flush();
    }
}

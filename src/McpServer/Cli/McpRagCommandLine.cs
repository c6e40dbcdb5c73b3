using System.CommandLine;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Distribution;
using McpRag.McpServer.Hosting;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Cli;

/// <summary>
/// The <c>mcprag</c> verbs: <c>serve</c>, <c>ingest</c>, <c>token issue</c>, <c>demo</c>. Usage and configuration
/// errors print one line on stderr and exit with 2; nothing but a verb's own output goes to stdout.
/// </summary>
internal static class McpRagCommandLine
{
    public static RootCommand Build()
    {
        var config = new Option<string?>("--config") { Description = "JSON configuration file (see docs/configuration.md)." };
        var root = new RootCommand("McpRag: tenant-scoped retrieval tools for LLM agents over MCP.");
        root.Subcommands.Add(Serve(config));
        root.Subcommands.Add(Ingest(config));
        root.Subcommands.Add(Token(config));
        root.Subcommands.Add(Demo(config));
        root.Subcommands.Add(OpenSearchCommands.Build(config));
        root.Subcommands.Add(OpenSearchCommands.Migrate(config));
        root.Subcommands.Add(PortabilityCommands.Export(config));
        root.Subcommands.Add(PortabilityCommands.Import(config));
        root.Subcommands.Add(IndexCommands.Build(config));
        return root;
    }

    private static Command Serve(Option<string?> config)
    {
        var transport = new Option<string>("--transport") { Description = "stdio or http.", DefaultValueFactory = _ => "stdio" };
        transport.AcceptOnlyFromAmong("stdio", "http");
        var urls = new Option<string>("--urls") { Description = "HTTP listen address.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var dev = new Option<bool>("--dev") { Description = "Also trust the local development signing key (never in production)." };
        var tokenFile = new Option<string?>("--token-file") { Description = "stdio: file holding the caller's token, re-read when it changes (default: MCPRAG_TOKEN)." };
        var stateful = new Option<bool>("--stateful") { Description = "HTTP: keep MCP sessions in this process (needed only for server-to-client requests)." };
        var command = new Command("serve", "Serve the MCP tools over stdio or streamable HTTP.") { transport, urls, config, dev, tokenFile, stateful };
        command.SetAction((result, cancellationToken) => Run(async () =>
        {
            var settings = new ServerSettings(result.GetValue(urls)!, result.GetValue(config), result.GetValue(dev))
            {
                TokenFile = result.GetValue(tokenFile),
                Stateless = !result.GetValue(stateful),
            };
            await ServeAsync(result.GetValue(transport) == "http", settings, cancellationToken);
        }));
        return command;
    }

    private static Command Ingest(Option<string?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant whose index receives the documents.", Required = true };
        var paths = new Argument<string[]>("paths") { Description = "Files or folders (.md, .txt, .json).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("ingest", "Chunk, embed and index files for a tenant; re-ingesting a file replaces its document.") { tenant, paths, config };
        command.SetAction((result, cancellationToken) => Run(async () =>
        {
            using var host = CliHost.Build(result.GetValue(config), dev: false);
            await host.Services.GetRequiredService<IngestRunner>().RunAsync(result.GetValue(tenant)!, result.GetValue(paths)!, cancellationToken);
        }));
        return command;
    }

    private static Command Token(Option<string?> config)
    {
        var tenant = new Option<string>("--tenant") { Description = "Tenant id the token carries.", Required = true };
        var subject = new Option<string>("--subject") { Description = "Subject (user) the token names.", Required = true };
        var scope = new Option<string[]>("--scope") { Description = "rag:read and/or rag:write (repeatable; default rag:read).", AllowMultipleArgumentsPerToken = false };
        scope.AcceptOnlyFromAmong(TenantPrincipal.ReadScope, TenantPrincipal.WriteScope);
        var ttl = new Option<string>("--ttl") { Description = "Lifetime, e.g. 30m, 1h, 7d.", DefaultValueFactory = _ => "1h" };
        var resource = new Option<string?>("--resource") { Description = "Resource URL (audience) of the server the token is for (default: McpRag:Auth:ResourceUrl, else http://127.0.0.1:5000/mcp)." };
        var issue = new Command("issue", "Print a development token signed by the local development key (trusted only by serve --dev and demo).") { tenant, subject, scope, ttl, resource, config };
        issue.SetAction((result, _) => Run(() =>
        {
            var tenantId = result.GetValue(tenant)!;
            if (!TenantId.IsValid(tenantId))
            {
                throw new CommandLineException($"--tenant '{tenantId}' is not a valid tenant id (1-64 of a-z, 0-9, '-', '_')");
            }

            var sub = result.GetValue(subject)!;
            if (string.IsNullOrWhiteSpace(sub))
            {
                throw new CommandLineException("--subject must not be empty");
            }

            var scopes = result.GetValue(scope) is { Length: > 0 } s ? s : [TenantPrincipal.ReadScope];
            var lifetime = Lifetimes.Parse(result.GetValue(ttl)!, DevTokenIssuer.MaxLifetime);
            var audience = result.GetValue(resource);
            if (audience is not null && !(Uri.TryCreate(audience, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                throw new CommandLineException($"--resource '{audience}' is not an absolute http(s) URL");
            }

            using var host = CliHost.Build(result.GetValue(config), dev: true, resourceUrl: audience);
            Console.Out.WriteLine(host.Services.GetRequiredService<DevTokenIssuer>().Issue(tenantId, sub, scopes, lifetime));
            return Task.CompletedTask;
        }));
        var command = new Command("token", "Development tokens.");
        command.Subcommands.Add(issue);
        return command;
    }

    private static Command Demo(Option<string?> config)
    {
        var urls = new Option<string>("--urls") { Description = "HTTP listen address.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var samples = new Option<string>("--samples") { Description = "Folder with one sub-folder of documents per tenant.", DefaultValueFactory = _ => DefaultLocations.SampleDocuments(Directory.GetCurrentDirectory()) };
        var command = new Command("demo", "Ingest the samples, print a development token per sample tenant and a client configuration, then serve HTTP with --dev.") { urls, samples, config };
        command.SetAction((result, cancellationToken) => Run(async () =>
        {
            var settings = new ServerSettings(result.GetValue(urls)!, result.GetValue(config), Dev: true);
            await DemoRunner.RunAsync(settings, result.GetValue(samples)!, cancellationToken);
            await ServeAsync(http: true, settings, cancellationToken);
        }));
        return command;
    }

    internal static async Task ServeAsync(bool http, ServerSettings settings, CancellationToken cancellationToken)
    {
        using var host = http ? HttpServerHost.Build(settings) : StdioServerHost.Build(settings);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("McpRag");
        if (settings.Dev)
        {
            logger.LogWarning("Development mode: tokens signed by the local development key ({Issuer}) are trusted. Never use --dev in production.", DevSigningKey.Issuer);
        }

        _ = host.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        _ = host.Services.GetRequiredService<ITenantDirectory>();
        if (http)
        {
            logger.LogInformation("MCP endpoint: {Urls}{Path}", settings.Urls.TrimEnd('/'), HttpServerHost.McpPath);
        }

        await host.RunAsync(cancellationToken);
    }

    /// <summary>Runs a verb; expected failures become one line on stderr and exit code 2.</summary>
    internal static async Task<int> Run(Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            Console.Error.WriteLine($"mcprag: {message}");
            return 2;
        }
    }

    private static string? Describe(Exception ex) => ex switch
    {
        CommandLineException or RetrievalException or FormatException => ex.Message,
        OptionsValidationException options => string.Join("; ", options.Failures),
        InvalidOperationException { InnerException: FormatException inner } => inner.Message,
        InvalidOperationException op when op.Message.StartsWith("routing table", StringComparison.Ordinal) => op.Message,
        IOException io when io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) => "the listen address is already in use (choose another with --urls)",
        _ => null,
    };
}

using McpRag.McpServer.Audit;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Auth.DevServer;
using McpRag.McpServer.Pipeline;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The streamable HTTP transport at <c>/mcp</c>: every request needs a valid bearer token (401 with
/// <c>WWW-Authenticate: Bearer resource_metadata=…</c> otherwise), protected-resource metadata is served per
/// RFC 9728, and a tool call without the tool's scope is refused with 403 <c>insufficient_scope</c>.
/// </summary>
internal static class HttpServerHost
{
    public const string McpPath = "/mcp";

    /// <summary>Health probes only read; any other method gets 405.</summary>
    private static readonly string[] HealthMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Whether <paramref name="path"/> is the MCP endpoint or below it: the only paths MCP stages see.</summary>
    public static bool IsMcpPath(PathString path) => path.StartsWithSegments(McpPath, StringComparison.OrdinalIgnoreCase);

    public static WebApplication Build(ServerSettings settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        HostConfiguration.Apply(builder, settings.ConfigFile, settings.Dev);
        builder.WebHost.UseUrls(settings.Urls);

        builder.Services.AddSingleton<TenantSessions>();
        builder.Services.AddMcpRagServer(builder.Configuration, settings.Urls).WithHttpTransport(o =>
        {
            o.SessionMode = settings.Stateless ? HttpServerSessionMode.Stateless : HttpServerSessionMode.StatefulForInitializeClients;
            // Every session is counted against its tenant while it runs (the gate refuses initialize past the cap).
            // The SDK marks the session hook experimental (MCPEXP002); it is the only place a session's end is seen.
#pragma warning disable MCPEXP002
            o.RunSessionHandler = (context, server, cancellationToken) =>
                context.Features.Get<CallContext>()?.Caller is { } principal
                    ? context.RequestServices.GetRequiredService<TenantSessions>().RunAsync(principal.TenantId, () => server.RunAsync(cancellationToken))
                    : server.RunAsync(cancellationToken);
#pragma warning restore MCPEXP002
        });
        builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultAuthenticateScheme = JwtBearerDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = McpAuthenticationDefaults.AuthenticationScheme;
            })
            .AddJwtBearer()
            .AddMcp();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenValidationSetup, AuthenticateStage>((o, setup, authenticate) =>
            {
                o.TokenValidationParameters = setup.Parameters;
                o.ConfigurationManager = setup.ConfigurationManager;
                o.MapInboundClaims = false;
                o.Events = new JwtBearerEvents
                {
                    // Oversized tokens are refused before any parsing.
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Headers.Authorization.ToString().Length > TokenValidator.MaxTokenLength + "Bearer ".Length)
                        {
                            context.Fail("token is too large");
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        // The one place an HTTP request's principal is resolved; every later stage reads it from the call context.
                        TokenValidator.KeepToken(context.Principal!, context.SecurityToken);
                        var call = context.HttpContext.Features.Get<CallContext>() ?? new CallContext("http", context.HttpContext.TraceIdentifier);
                        context.HttpContext.Features.Set(call);
                        if (authenticate.Resolve(call, context.Principal!) is { } error)
                        {
                            context.Fail(error);
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddOptions<McpAuthenticationOptions>(McpAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, ToolScopes>((o, auth, scopes) =>
            {
                // Everything in the document and in the challenge comes from configuration, never from the request's Host.
                o.ResourceMetadataUri = new Uri(auth.Value.ResourceMetadataUrl()!);
                o.ResourceMetadata = new ProtectedResourceMetadata
                {
                    Resource = auth.Value.ResourceUrl!,
                    AuthorizationServers = [.. auth.Value.EffectiveAuthorizationServers()],
                    ScopesSupported = [.. scopes.All.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                    BearerMethodsSupported = ["header"],
                    ResourceName = "McpRag",
                };
            });
        builder.Services.AddAuthorization();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        builder.Services.AddHttpSecurity();
        if (settings.Dev)
        {
            builder.Services.AddDevAuthorizationServer();
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<RejectedRequestAudit>();
        app.UseMiddleware<OriginValidationMiddleware>();
        app.UseMiddleware<ResourceMetadataRequests>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<RequestLimitsMiddleware>();

        // The MCP stages run only where MCP is served; every other path is answered by routing alone (404/405).
        app.UseWhen(c => IsMcpPath(c.Request.Path), mcp => mcp.UseMiddleware<McpRequestGate>());
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).WithMetadata(new HttpMethodMetadata(HealthMethods));
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).WithMetadata(new HttpMethodMetadata(HealthMethods));
        app.MapMcp(McpPath).RequireAuthorization();
        if (settings.Dev)
        {
            app.MapDevAuthorizationServer();
        }

        return app;
    }
}

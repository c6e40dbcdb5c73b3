using System.Net;
using System.Security.Claims;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace McpRag.McpServer.Tests;

/// <summary>
/// One HTTP request goes through the per-call pipeline once: the caller's principal is resolved from the validated
/// token once, however many stages (scope check, quota, call, audit) need it.
/// </summary>
public sealed class PipelineOnceTests(SampleDeployment deployment)
{
    [Fact]
    public async Task ToolCall_OverHttp_ResolvesThePrincipalOnce()
    {
        var counting = new CountingPrincipals(deployment.Tokens.Principals());
        await using var server = HttpServerHost.Build(new ServerSettings("http://127.0.0.1:0", deployment.ConfigFile, Dev: true), builder =>
        {
            // Its own audit sink off: the shared deployment's audit files belong to the audit tests.
            builder.Configuration["McpRag:Audit:Directory"] = "";
            builder.Services.AddSingleton<ITenantPrincipalFactory>(counting);
        });
        await server.StartAsync(TestContext.Current.CancellationToken);
        var endpoint = new Uri(new Uri(server.Urls.First()), HttpServerHost.McpPath);

        using var response = await RawMcpHttp.PostAsync(
            endpoint,
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search","arguments":{"query":"appointment","mode":"keyword"}}}""",
            deployment.Tokens.Valid("tenant-a"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = RawMcpHttp.Messages(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Content.Headers.ContentType?.MediaType).Single();
        Assert.False(message.GetProperty("result").TryGetProperty("isError", out var isError) && isError.GetBoolean(), message.ToString());
        Assert.Equal(1, counting.Calls);
    }

    private sealed class CountingPrincipals(TenantPrincipalFactory inner) : ITenantPrincipalFactory
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public (TenantPrincipal? Principal, string? Error) Create(ClaimsPrincipal user)
        {
            Interlocked.Increment(ref _calls);
            return inner.Create(user);
        }
    }
}

using System.Net;
using McpRag.McpServer.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The configurable allow-lists of <see cref="OriginValidationMiddleware"/> on a server bound to a public address,
/// where the loopback defaults no longer apply: only listed origins and hosts get through.
/// </summary>
public sealed class OriginValidationTests
{
    private static readonly HttpSecurityOptions Listed = new()
    {
        AllowedOrigins = ["https://app.example"],
        AllowedHosts = ["mcp.example.com"],
    };

    [Theory]
    [InlineData("mcp.example.com", null, true)]
    [InlineData("mcp.example.com", "https://app.example", true)]
    [InlineData("mcp.example.com", "https://APP.example:443", true)]
    [InlineData("mcp.example.com", "http://app.example", false)]
    [InlineData("mcp.example.com", "http://localhost:3000", false)]
    [InlineData("mcp.example.com", "https://evil.example", false)]
    [InlineData("evil.example", null, false)]
    [InlineData("localhost", null, false)]
    public async Task InvokeAsync_PublicBindingWithAllowLists_PassesOnlyListedHostsAndOrigins(string host, string? origin, bool passes)
    {
        var (called, status) = await RunAsync(Listed, IPAddress.Parse("10.1.2.3"), host, origin);

        Assert.Equal(passes, called);
        Assert.Equal(passes ? 200 : 403, status);
    }

    [Fact]
    public async Task InvokeAsync_PublicBindingWithoutHostList_AcceptsAnyHostButNoBrowserOrigin()
    {
        var open = new HttpSecurityOptions();

        Assert.True((await RunAsync(open, IPAddress.Parse("10.1.2.3"), "anything.example", null)).Called);
        Assert.False((await RunAsync(open, IPAddress.Parse("10.1.2.3"), "anything.example", "https://anything.example")).Called);
    }

    [Fact]
    public async Task InvokeAsync_TwoOriginHeaders_Returns403()
    {
        var context = Context(IPAddress.Loopback, "localhost", "http://localhost:1");
        context.Request.Headers.Append("Origin", "http://localhost:2");
        var called = false;

        await new OriginValidationMiddleware(_ => { called = true; return Task.CompletedTask; }, Options.Create(new HttpSecurityOptions())).InvokeAsync(context);

        Assert.False(called);
        Assert.Equal(403, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_OtherPath_IsNotChecked()
    {
        var context = Context(IPAddress.Loopback, "evil.example", "https://evil.example");
        context.Request.Path = "/.well-known/oauth-protected-resource/mcp";
        var called = false;

        await new OriginValidationMiddleware(_ => { called = true; return Task.CompletedTask; }, Options.Create(new HttpSecurityOptions())).InvokeAsync(context);

        Assert.True(called);
    }

    private static async Task<(bool Called, int Status)> RunAsync(HttpSecurityOptions options, IPAddress local, string host, string? origin)
    {
        var context = Context(local, host, origin);
        var called = false;
        await new OriginValidationMiddleware(_ => { called = true; return Task.CompletedTask; }, Options.Create(options)).InvokeAsync(context);
        return (called, context.Response.StatusCode);
    }

    private static DefaultHttpContext Context(IPAddress local, string host, string? origin)
    {
        var context = new DefaultHttpContext();
        context.Connection.LocalIpAddress = local;
        context.Request.Method = "POST";
        context.Request.Path = HttpServerHost.McpPath;
        context.Request.Host = new HostString(host);
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        context.Response.Body = new MemoryStream();
        return context;
    }
}

using System.Text.Json.Nodes;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The one auth configuration: what the resource URL is when nothing names it, which authorization servers the
/// metadata names, and the one-line reasons start-up gives for a configuration that cannot be served as written.
/// </summary>
public sealed class AuthOptionsTests
{
    private readonly AuthOptionsValidator _validator = new();

    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/mcp")]
    [InlineData("https://rag.example.com;http://127.0.0.1:5001", "https://rag.example.com/mcp")]
    [InlineData("http://localhost:8080/", "http://localhost:8080/mcp")]
    [InlineData("http://0.0.0.0:8080", null)]
    [InlineData("http://[::]:8080", null)]
    [InlineData("http://*:8080", null)]
    [InlineData("http://+:8080", null)]
    [InlineData("http://127.0.0.1:0", null)]
    public void ResourceUrlFromListenAddress_ConcreteHostAndPortOnly(string urls, string? expected)
    {
        Assert.Equal(expected, AuthOptions.ResourceUrlFromListenAddress(urls, HttpServerHost.McpPath));
    }

    [Theory]
    [InlineData("https://rag.example.com/mcp", "https://rag.example.com/.well-known/oauth-protected-resource/mcp")]
    [InlineData("https://rag.example.com/tenants/mcp", "https://rag.example.com/.well-known/oauth-protected-resource/tenants/mcp")]
    [InlineData("https://rag.example.com:8443/", "https://rag.example.com:8443/.well-known/oauth-protected-resource")]
    public void ResourceMetadataUrl_WellKnownSegmentBetweenHostAndPath(string resource, string expected)
    {
        Assert.Equal(expected, new AuthOptions { ResourceUrl = resource }.ResourceMetadataUrl());
    }

    [Fact]
    public void EffectiveAuthorizationServers_EachSourceInOrder()
    {
        Assert.Equal(["https://as.example"], new AuthOptions { Authority = "https://idp.example", AuthorizationServers = ["https://as.example"] }.EffectiveAuthorizationServers());
        Assert.Equal(["https://idp.example"], new AuthOptions { Authority = "https://idp.example", Issuers = ["https://other.example"] }.EffectiveAuthorizationServers());
        Assert.Equal(["https://issuer.example"], new AuthOptions { JwksFile = "keys.json", Issuers = ["https://issuer.example"] }.EffectiveAuthorizationServers());
        Assert.Equal(["http://127.0.0.1:5000/"], new AuthOptions { TrustDevelopmentKey = true, ResourceUrl = "http://127.0.0.1:5000/mcp" }.EffectiveAuthorizationServers());
    }

    [Fact]
    public void Validate_DiscoveryAddressOnly_FailsNamingTheSettings()
    {
        var result = _validator.Validate(null, new AuthOptions { MetadataAddress = "https://idp.example/.well-known/openid-configuration", ResourceUrl = "https://rag.example.com/mcp" });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("no authorization server to name in the protected-resource metadata", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }

    [Fact]
    public void Validate_NoResourceUrl_FailsWithOneLine()
    {
        var result = _validator.Validate(null, new AuthOptions { Authority = "https://idp.example" });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("McpRag:Auth:ResourceUrl must name this server's canonical MCP URL", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ScopeClaim", "McpRag:Auth:ScopeClaim must be 'scope' or 'scp'")]
    [InlineData("MaxTokenLifetime", "McpRag:Auth:MaxTokenLifetime must be between 1 minute and 366 days")]
    [InlineData("ResourceUrl", "McpRag:Auth:ResourceUrl must be an absolute http(s) URL without query or fragment")]
    public void Validate_BadSetting_FailsWithItsReason(string setting, string reason)
    {
        var options = new AuthOptions { Authority = "https://idp.example", ResourceUrl = "https://rag.example.com/mcp" };
        switch (setting)
        {
            case "ScopeClaim": options.ScopeClaim = "roles"; break;
            case "MaxTokenLifetime": options.MaxTokenLifetime = TimeSpan.FromDays(400); break;
            case "ResourceUrl": options.ResourceUrl = "https://rag.example.com/mcp#x"; break;
        }

        Assert.Equal([reason], _validator.Validate(null, options).Failures!);
    }

    [Fact]
    public void MaxTokenLifetime_Default_CoversTheLongestDevelopmentToken()
    {
        Assert.True(new AuthOptions().MaxTokenLifetime >= DevTokenIssuer.MaxLifetime);
    }

    [Fact]
    public async Task StartAsync_HttpOnPortZeroWithoutResourceUrl_FailsWithTheReason()
    {
        var root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "auth-options-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(root);
        var config = Path.Combine(root, "mcprag.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = root,
                ["Tenants"] = new JsonObject { ["File"] = Path.Combine(RepositoryPaths.Samples, "tenants.json") },
            },
        }.ToJsonString(), TestContext.Current.CancellationToken);
        await using var app = HttpServerHost.Build(new ServerSettings("http://127.0.0.1:0", config, Dev: true));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(error.Failures, f => f.StartsWith("McpRag:Auth:ResourceUrl must name", StringComparison.Ordinal));
        Directory.Delete(root, recursive: true);
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(null, AuthOptions.DevelopmentResourceUrl)]
    [InlineData("https://rag.example.com/mcp", "https://rag.example.com/mcp")]
    public async Task TokenIssue_Resource_IsTheTokensAudience(string? resource, string audience)
    {
        var root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "token-issue-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(root);
        var config = Path.Combine(root, "mcprag.json");
        await File.WriteAllTextAsync(config, new JsonObject { ["McpRag"] = new JsonObject { ["DataDir"] = root } }.ToJsonString(), TestContext.Current.CancellationToken);
        List<string> arguments = [RepositoryPaths.ServerDll, "token", "issue", "--tenant", "tenant-a", "--subject", "tester", "--config", config];
        if (resource is not null)
        {
            arguments.AddRange(["--resource", resource]);
        }

        var (exitCode, output, error) = await RunAsync(arguments);

        Assert.True(exitCode == 0, error);
        Assert.Equal(audience, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(output.Trim()).Audiences.Single());
        Directory.Delete(root, recursive: true);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task TokenIssue_ResourceNotAUrl_ExitsWithOneLineReason()
    {
        var (exitCode, output, error) = await RunAsync([RepositoryPaths.ServerDll, "token", "issue", "--tenant", "tenant-a", "--subject", "tester", "--resource", "mcprag"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Equal("mcprag: --resource 'mcprag' is not an absolute http(s) URL", error.Trim());
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await ProcessExit.WaitAsync(process, TimeSpan.FromMinutes(2), "mcprag " + string.Join(' ', arguments.Skip(1)), () => ProcessExit.TextAsync(error, "stderr"));
        return (process.ExitCode, await ProcessExit.TextAsync(output, "stdout"), await ProcessExit.TextAsync(error, "stderr"));
    }
}

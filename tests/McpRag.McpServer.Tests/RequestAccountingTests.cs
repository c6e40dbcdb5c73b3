using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Every request a caller sends is accounted for and bounded: made-up tool names and "notifications" with an id
/// cost quota like any request, stateful sessions cost quota to open, names are capped before anything can echo
/// them, and a 2026-07-28 request for the removed <c>initialize</c> is method-not-found.
/// </summary>
public sealed class RequestAccountingTests(SampleDeployment deployment)
{
    [Fact]
    public async Task CallTool_UnknownToolsPastTheBurst_AreThrottledWithoutEchoingTheName()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-unknown-tool"));
        var name = "no_such_tool_" + new string('x', 100);

        var errors = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(() => client.CallAsync(name, new()));
            errors.Add(error.Message);
        }

        Assert.All(errors, e => Assert.DoesNotContain(name, e, StringComparison.Ordinal));
        Assert.Contains("unknown tool", errors[0], StringComparison.Ordinal);
        Assert.Contains("throttled: ", errors[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NotificationWithAnIdPastTheBurst_Returns429()
    {
        var token = deployment.Tokens.Valid("tenant-notify");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, $$"""{"jsonrpc":"2.0","id":{{i + 1}},"method":"notifications/initialized"}""", token);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
    }

    [Fact]
    public async Task Post_ToolNameLongerThanTheCap_Returns400WithoutEchoingIt()
    {
        var name = new string('t', JsonRpcRequestRules.MaxNameLength + 1);

        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + name + "\",\"arguments\":{}}}", deployment.Tokens.Valid("tenant-a"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(name, body, StringComparison.Ordinal);
        Assert.Contains("tool name is longer than", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MethodLongerThanTheCap_Returns400WithoutEchoingIt()
    {
        var method = "x/" + new string('m', 10_000);

        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, $$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}"}""", deployment.Tokens.Valid("tenant-a"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(method, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_InitializeInThe20260728Envelope_Returns404MethodNotFound()
    {
        const string body = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""";

        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, body, deployment.Tokens.Valid("tenant-a"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var message = RawMcpHttp.Messages(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Content.Headers.ContentType?.MediaType).Single();
        Assert.Equal(JsonRpcRequestRules.MethodNotFound, message.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Post_StatefulInitializePastTheBurst_Returns429()
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(deployment.ConfigFile, TestContext.Current.CancellationToken))!;
        var tenantsFile = config["McpRag"]!["Tenants"]!["File"]!.GetValue<string>();
        var tenants = JsonNode.Parse(await File.ReadAllTextAsync(tenantsFile, TestContext.Current.CancellationToken))!;
        var statefulTenants = Path.Combine(deployment.DataDir, $"tenants-stateful-{Guid.NewGuid():n}.json");
        tenants["tenants"]!["tenant-sessions"] = new JsonObject { ["isolation"] = "index", ["index"] = "tenant-sessions", ["quota"] = new JsonObject { ["requestsPerMinute"] = 1, ["burst"] = 2 } };
        await File.WriteAllTextAsync(statefulTenants, tenants.ToJsonString(), TestContext.Current.CancellationToken);
        config["McpRag"]!["Tenants"]!["File"] = statefulTenants;
        var configFile = Path.Combine(deployment.DataDir, $"stateful-{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString(), TestContext.Current.CancellationToken);
        await using var app = HttpServerHost.Build(new ServerSettings("http://127.0.0.1:0", configFile, Dev: true) { Stateless = false });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var endpoint = new Uri(new Uri(app.Urls.First()), HttpServerHost.McpPath);
        var token = deployment.Tokens.Valid("tenant-sessions");

        var statuses = new List<HttpStatusCode>();
        var sessions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, token);
            statuses.Add(response.StatusCode);
            if (response.Headers.TryGetValues("Mcp-Session-Id", out var ids))
            {
                sessions.AddRange(ids);
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(2, sessions.Distinct().Count());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Post_StatefulInitializePastTheTenantsSessionCap_Returns429WhileOtherTenantsOpenSessions()
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(deployment.ConfigFile, TestContext.Current.CancellationToken))!;
        config["McpRag"]!["Http"] = new JsonObject { ["MaxSessionsPerTenant"] = 2 };
        var configFile = Path.Combine(deployment.DataDir, $"sessions-{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString(), TestContext.Current.CancellationToken);
        await using var app = HttpServerHost.Build(new ServerSettings("http://127.0.0.1:0", configFile, Dev: true) { Stateless = false });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var endpoint = new Uri(new Uri(app.Urls.First()), HttpServerHost.McpPath);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, deployment.Tokens.Valid("tenant-a", subject: $"user-{i}"));
            statuses.Add(response.StatusCode);
        }

        using var other = await RawMcpHttp.PostAsync(endpoint, RawMcpHttp.Initialize, deployment.Tokens.Valid("tenant-b"));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}

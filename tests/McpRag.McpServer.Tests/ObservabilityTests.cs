using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using McpRag.McpServer.Telemetry;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>Traces, metrics and health endpoints of the in-process HTTP server.</summary>
public sealed class ObservabilityTests(SampleDeployment deployment)
{
    [Fact]
    public async Task Search_WithListener_EmitsCallSpanWithAuthRouteThrottleBackendChildren()
    {
        var requestId = "trace-" + Guid.NewGuid().ToString("n");
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "McpRag",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"), requestId);

        (await client.CallAsync("search", new() { ["query"] = "roaming" })).Ok();

        var call = Assert.Single(spans, s => (string?)s.GetTagItem("mcprag.request_id") == requestId);
        Assert.Equal("tools/call search", call.DisplayName);
        Assert.Equal("ok", call.GetTagItem("mcprag.outcome"));
        var children = spans.Where(s => s.ParentSpanId == call.SpanId).Select(s => s.DisplayName).ToList();
        Assert.Equal(["auth", "route", "throttle", "backend"], children.OrderBy(c => Array.IndexOf(["auth", "route", "throttle", "backend"], c)));
    }

    [Fact]
    public async Task Search_TraceparentInMeta_ContinuesTheClientsTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var parent = ActivitySpanId.CreateRandom();
        var requestId = "traceparent-" + Guid.NewGuid().ToString("n");
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is McpRagTelemetry.Name or McpRagTelemetry.SdkSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var body = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"query":"roaming"},"_meta":{"traceparent":"00-"""
            + traceId + "-" + parent + "-01\"}}}";

        using var response = await RawMcpHttp.PostAsync(deployment.McpEndpoint, body, deployment.Tokens.Valid("tenant-a"), r => r.Headers.Add("X-Request-Id", requestId));

        Assert.True(response.IsSuccessStatusCode);
        var call = Assert.Single(spans, s => (string?)s.GetTagItem("mcprag.request_id") == requestId);
        Assert.Equal(traceId, call.TraceId);
    }

    [Fact]
    public async Task Search_WithMeterListener_CountsTheCallByToolAndOutcome()
    {
        var measurements = new ConcurrentBag<(string Instrument, string? Tool, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "McpRag")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => measurements.Add((instrument.Name, Tag(tags, "tool"), Tag(tags, "outcome"))));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => measurements.Add((instrument.Name, Tag(tags, "tool"), Tag(tags, "outcome"))));
        listener.Start();
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-a"));

        Assert.Equal("not_found", (await client.CallAsync("fetch", new() { ["id"] = "missing-metric-doc" })).ErrorCode());

        Assert.Contains(("mcprag.tool.calls", "fetch", "not_found"), measurements);
        Assert.Contains(("mcprag.tool.duration", "fetch", "not_found"), measurements);
        Assert.Contains(("mcprag.tool.errors", "fetch", "not_found"), measurements);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Get_HealthEndpoint_IsUnauthenticatedAndSaysOnlyHealthy(string path)
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(deployment.BaseAddress, path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}

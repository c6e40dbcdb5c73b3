using System.Text.Json.Nodes;
using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Backends.OpenSearch;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Tests.OpenSearch;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace McpRag.Retrieval.Tests.Aws;

/// <summary>
/// The SigV4 HttpClients as <c>AddOpenSearchBackend</c> wires them (standard resilience handler outside, signing
/// handler inside): an attempt retried after <c>Retry-After</c> carries its own date and a signature that verifies for
/// that date, not a replay of the first attempt's headers.
/// </summary>
public sealed class AwsSigningRetryTests : IDisposable
{
    private readonly WireMockServer _fake = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:" + FreePort()] });
    private readonly OpenSearchTestHost _host = new();

    /// <summary>The first call to <paramref name="path"/> is 503 with <c>Retry-After: 1</c>; the next gets <paramref name="body"/>.</summary>
    private void UnavailableOnceThen(string method, string path, JsonNode body)
    {
        _fake.Given(Request.Create().WithPath(path).UsingMethod(method)).InScenario(path).WillSetStateTo("answered")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Retry-After", "1"));
        _fake.Given(Request.Create().WithPath(path).UsingMethod(method)).InScenario(path).WhenStateIs("answered")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString()));
    }

    [Fact]
    public async Task OpenSearchClient_RetriedAfterUnavailable_SignsEachAttemptAnew()
    {
        UnavailableOnceThen("POST", "/shared-cd/_search", FakeOpenSearch.SearchResult());
        var target = new OpenSearchTarget(new Uri(_fake.Url!), new SigV4Scope(new AwsSigningScope(_host.Credentials.GetCredentials(), "eu-west-1", "es")));

        var response = await _host.Get<IOpenSearchClient>().SearchAsync(target, "shared-cd", new JsonObject { ["size"] = 1 }, null, TestContext.Current.CancellationToken);

        Assert.Empty(response.Hits);
        AssertSignedAnew();
    }

    [Fact]
    public async Task BedrockClient_RetriedAfterUnavailable_SignsEachAttemptAnew()
    {
        UnavailableOnceThen("POST", "/model/*/invoke", new JsonObject
        {
            ["embedding"] = new JsonArray(Enumerable.Range(0, 256).Select(i => (JsonNode)JsonValue.Create(i / 1000f)).ToArray()),
            ["inputTextTokenCount"] = 1,
        });
        var http = _host.Get<IHttpClientFactory>().CreateClient(OpenSearchServiceCollectionExtensions.BedrockHttpClientName);
        var generator = new BedrockTitanEmbeddingGenerator(http, _host.Credentials, new BedrockOptions { Region = "us-west-2", Endpoint = new Uri(_fake.Url!) }, 256);

        var embeddings = await generator.GenerateAsync(["expense policy"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(256, Assert.Single(embeddings).Vector.Length);
        AssertSignedAnew();
    }

    /// <summary>Two attempts at least a second apart: different <c>X-Amz-Date</c>s, and each signature verifies for its own.</summary>
    private void AssertSignedAnew()
    {
        var attempts = _fake.LogEntries.Select(e => e.RequestMessage).OrderBy(r => r.DateTime).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.NotEqual(attempts[0].Headers!["X-Amz-Date"].Single(), attempts[1].Headers!["X-Amz-Date"].Single());
        Assert.All(attempts, a => Assert.Equal(SigV4Verifier.ExpectedSignature(a, _host.SecretKey), SigV4Verifier.Parse(a.Headers!["Authorization"].Single()).Signature));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _host.Dispose();
        _fake.Stop();
    }

    private sealed class SigV4Scope(AwsSigningScope scope) : IOpenSearchAuthorizer
    {
        public void Authorize(HttpRequestMessage request) => scope.Set(request);
    }
}

using System.Text.Json.Nodes;
using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Embeddings;
using McpRag.Retrieval.Search;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>Titan Text Embeddings V2 InvokeModel at the wire: path, SigV4 signing name <c>bedrock</c>, body, response.</summary>
public sealed class BedrockTitanWireTests : IDisposable
{
    private readonly WireMockServer _fake = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:" + FreePort()] });
    private readonly OpenSearchTestHost _host = new();
    private readonly HttpClient _http = new(new AwsSigningHandler(new AwsRequestSigner(TimeProvider.System)) { InnerHandler = new SocketsHttpHandler() });

    private BedrockTitanEmbeddingGenerator Generator(int dimensions) =>
        new(_http, _host.Credentials, new BedrockOptions { Region = "us-west-2", Endpoint = new Uri(_fake.Url!) }, dimensions);

    private void Respond(int length) =>
        _fake.Given(Request.Create().WithPath("/model/*/invoke").UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(new JsonObject
            {
                ["embedding"] = new JsonArray(Enumerable.Range(0, length).Select(i => (JsonNode)JsonValue.Create(i / 1000f)).ToArray()),
                ["inputTextTokenCount"] = 2,
                ["embeddingsByType"] = new JsonObject { ["float"] = new JsonArray() },
            }.ToJsonString()));

    [Fact]
    public async Task GenerateAsync_OneText_InvokesTitanV2SignedForBedrockWithDimensionsAndNormalize()
    {
        Respond(512);

        var embeddings = await Generator(512).GenerateAsync(["expense policy"], cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(_fake.LogEntries).RequestMessage;
        Assert.Equal("/model/amazon.titan-embed-text-v2:0/invoke", request.Path);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"inputText": "expense policy", "dimensions": 512, "normalize": true}"""), JsonNode.Parse(request.Body!)));
        Assert.Equal("application/json", request.Headers!["Content-Type"].Single().Split(';')[0]);
        Assert.Equal("application/json", request.Headers["Accept"].Single());
        var auth = SigV4Verifier.Parse(request.Headers["Authorization"].Single());
        Assert.Equal(("us-west-2", "bedrock"), (auth.Region, auth.Service));
        Assert.Equal(SigV4Verifier.ExpectedSignature(request, _host.SecretKey), auth.Signature);
        var vector = Assert.Single(embeddings).Vector.ToArray();
        Assert.Equal(512, vector.Length);
        Assert.Equal(0.511f, vector[511]);
    }

    [Fact]
    public async Task GenerateAsync_ResponseOfWrongSize_FailsWithExpectedDimensions()
    {
        Respond(256);

        var error = await Assert.ThrowsAsync<RetrievalException>(() => Generator(1024).GenerateAsync(["x"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_UnsupportedDimensions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Generator(384));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _http.Dispose();
        _host.Dispose();
        _fake.Stop();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.AI;

namespace McpRag.Retrieval.Embeddings;

/// <summary>
/// Amazon Titan Text Embeddings V2 through Bedrock Runtime <c>InvokeModel</c>, written over HttpClient and signed with
/// SigV4 (signing name <c>bedrock</c>, by the <see cref="AwsSigningHandler"/> of the HttpClient it is given) because the Bedrock SDK package is not available to this project. It is the
/// query embedder for OpenSearch indexes built with Titan; the vector size (256, 512 or 1024) must match the index.
/// </summary>
public sealed class BedrockTitanEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "amazon.titan-embed-text-v2:0";
    public const int DefaultDimensions = 1024;
    public const string SigningName = "bedrock";

    /// <summary>Titan accepts up to 8,192 tokens; characters are capped well above that so the service, not us, truncates.</summary>
    public const int MaxInputCharacters = 50_000;

    public static readonly IReadOnlySet<int> SupportedDimensions = new HashSet<int> { 256, 512, 1024 };

    private readonly HttpClient _http;
    private readonly IAwsCredentialSource _credentials;
    private readonly BedrockOptions _options;
    private readonly int _dimensions;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public BedrockTitanEmbeddingGenerator(HttpClient http, IAwsCredentialSource credentials, BedrockOptions options, int dimensions)
    {
        if (!SupportedDimensions.Contains(dimensions))
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), "Titan Text Embeddings V2 supports 256, 512 or 1024 dimensions");
        }

        _http = http;
        _credentials = credentials;
        _options = options;
        _dimensions = dimensions;
        _metadata = new EmbeddingGeneratorMetadata("aws.bedrock", options.EndpointUri, ModelId, dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToArray();
        var vectors = new float[texts.Length][];
        await Parallel.ForAsync(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrency), CancellationToken = cancellationToken },
            async (i, ct) => vectors[i] = await EmbedAsync(texts[i], ct));
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        result.AddRange(vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId }));
        return result;
    }

    private async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        var input = string.IsNullOrWhiteSpace(text) ? " " : text.Length > MaxInputCharacters ? text[..MaxInputCharacters] : text;
        var body = JsonSerializer.SerializeToUtf8Bytes(new TitanRequest(input, _dimensions, _options.Normalize), TitanJson.Default.TitanRequest);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.EndpointUri, "/model/" + Uri.EscapeDataString(ModelId) + "/invoke"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        new AwsSigningScope(_credentials.GetCredentials(), _options.Region, SigningName).Set(request);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the embedding service is not reachable");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the embedding service refused the server's credentials"),
                    HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the embedding service is busy; try again shortly"),
                    _ => new RetrievalException(RetrievalErrorCode.BackendError, $"the embedding service failed ({(int)response.StatusCode})"),
                };
            }

            var parsed = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken), TitanJson.Default.TitanResponse, cancellationToken);
            var vector = parsed?.Embedding;
            if (vector is null || vector.Length != _dimensions)
            {
                throw new RetrievalException(RetrievalErrorCode.BackendError, $"the embedding service returned a vector of {vector?.Length ?? 0} dimensions, expected {_dimensions}");
            }

            return vector;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    internal sealed record TitanRequest(
        [property: JsonPropertyName("inputText")] string InputText,
        [property: JsonPropertyName("dimensions")] int Dimensions,
        [property: JsonPropertyName("normalize")] bool Normalize);

    internal sealed record TitanResponse(
        [property: JsonPropertyName("embedding")] float[]? Embedding,
        [property: JsonPropertyName("inputTextTokenCount")] int InputTextTokenCount);
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using McpRag.Retrieval.Aws;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// A small restJson1 client for <c>POST /applications/{applicationId}/relevant-content</c> at
/// <c>https://qbusiness.{region}.api.aws</c>. The named HttpClient carries the retry and timeout pipeline of
/// <see cref="QBusinessResilience"/> and, below it, <see cref="AwsSigningHandler"/>, so every attempt is signed afresh;
/// this class builds the request, names whose credentials sign it and reads the final answer.
/// </summary>
public sealed class SearchRelevantContentClient(IHttpClientFactory httpClients, IOptions<QIndexOptions> options) : ISearchRelevantContentClient
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public const string HttpClientName = "qbusiness";

    public const string SigningName = "qbusiness";

    private readonly QIndexOptions _options = options.Value;

    public async Task<SearchRelevantContentResponse> SearchRelevantContentAsync(
        string region, string applicationId, SearchRelevantContentRequest request, ImmutableCredentials credentials, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, Json);
        var uri = new Uri(Endpoint(region), $"applications/{Uri.EscapeDataString(applicationId)}/relevant-content");
        using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        AwsSigningScope.For(credentials, region, SigningName).Set(message);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw await ReadErrorAsync(response, cancellationToken);
            }

            return await response.Content.ReadFromJsonAsync<SearchRelevantContentResponse>(Json, cancellationToken)
                ?? throw new QBusinessException("SerializationException", response.StatusCode, "empty response body");
        }
        catch (TimeoutRejectedException)
        {
            throw new QBusinessException("RequestTimeout", HttpStatusCode.GatewayTimeout, "no answer within the request timeout");
        }
        catch (JsonException ex)
        {
            throw new QBusinessException("SerializationException", HttpStatusCode.OK, "response is not a SearchRelevantContent answer: " + ex.Message);
        }
    }

    private Uri Endpoint(string region)
    {
        var url = _options.QBusinessServiceUrl ?? $"https://qbusiness.{region}.api.aws";
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    /// <summary>restJson1 errors: the shape name from <c>X-Amzn-ErrorType</c>, else <c>__type</c> or <c>code</c> in the body.</summary>
    private static async Task<QBusinessException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string? type = response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                type ??= StringOf(document.RootElement, "__type") ?? StringOf(document.RootElement, "code");
                message = StringOf(document.RootElement, "message") ?? StringOf(document.RootElement, "Message");
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page): the status code alone decides.
        }

        return new QBusinessException(ShapeName(type) ?? $"Http{(int)response.StatusCode}", response.StatusCode, message ?? response.ReasonPhrase ?? "error");
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>aws.qbusiness#ThrottlingException:http://…</c> → <c>ThrottlingException</c>.</summary>
    internal static string? ShapeName(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var name = type.Split(':')[0];
        var hash = name.LastIndexOf('#');
        return hash >= 0 ? name[(hash + 1)..] : name;
    }
}

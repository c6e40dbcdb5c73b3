using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using McpRag.Retrieval.Aws;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// A small restJson1 client for <c>POST /applications/{applicationId}/relevant-content</c> at
/// <c>https://qbusiness.{region}.api.aws</c>. Every attempt is signed afresh; throttling and server errors are
/// retried with exponential back-off and jitter (honouring <c>Retry-After</c>), then reported.
/// </summary>
public sealed class SearchRelevantContentClient(
    IHttpClientFactory httpClients,
    QBusinessRequestSigner signer,
    IOptions<QIndexOptions> options,
    TimeProvider time,
    ILogger<SearchRelevantContentClient> logger) : ISearchRelevantContentClient
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public const string HttpClientName = "qbusiness";

    private readonly QIndexOptions _options = options.Value;

    public async Task<SearchRelevantContentResponse> SearchRelevantContentAsync(
        string region, string applicationId, SearchRelevantContentRequest request, ImmutableCredentials credentials, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, Json);
        var http = httpClients.CreateClient(HttpClientName);
        var uri = new Uri(Endpoint(region), $"applications/{Uri.EscapeDataString(applicationId)}/relevant-content");
        for (var attempt = 1; ; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            signer.Sign(message, body, credentials, region);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            QBusinessException error;
            TimeSpan? retryAfter;
            try
            {
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return await response.Content.ReadFromJsonAsync<SearchRelevantContentResponse>(Json, timeout.Token)
                        ?? throw new QBusinessException("SerializationException", response.StatusCode, "empty response body");
                }

                error = await ReadErrorAsync(response, timeout.Token);
                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = new QBusinessException("RequestTimeout", HttpStatusCode.GatewayTimeout, "no answer within the request timeout");
                retryAfter = null;
            }
            catch (JsonException ex)
            {
                throw new QBusinessException("SerializationException", HttpStatusCode.OK, "response is not a SearchRelevantContent answer: " + ex.Message);
            }

            if (!error.IsRetryable || attempt >= _options.MaxAttempts)
            {
                throw error;
            }

            var delay = Backoff(attempt, retryAfter);
            logger.LogDebug("SearchRelevantContent {ErrorType}; attempt {Attempt} of {MaxAttempts}, next in {Delay}", error.ErrorType, attempt, _options.MaxAttempts, delay);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private Uri Endpoint(string region)
    {
        var url = _options.QBusinessServiceUrl ?? $"https://qbusiness.{region}.api.aws";
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = _options.RetryBaseDelay * Math.Pow(2, attempt - 1);
        var jittered = exponential * (0.5 + (Random.Shared.NextDouble() / 2));
        var hinted = retryAfter is { } hint && hint > jittered ? hint : jittered;
        return hinted > TimeSpan.FromSeconds(20) ? TimeSpan.FromSeconds(20) : hinted;
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
    private static string? ShapeName(string? type)
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

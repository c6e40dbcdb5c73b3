using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// <see cref="IOpenSearchClient"/> over HttpClient and System.Text.Json. The named HttpClient carries the standard
/// resilience handler (timeouts, jittered retries honouring <c>Retry-After</c>, circuit breaker), so this class only
/// builds requests, adds the credential and reads responses.
/// </summary>
public sealed class OpenSearchHttpClient(IHttpClientFactory httpClients) : IOpenSearchClient
{
    public const string HttpClientName = "McpRag.OpenSearch";

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue NdJson = new("application/x-ndjson");

    public async Task<OpenSearchCluster> GetClusterAsync(OpenSearchTarget target, CancellationToken cancellationToken)
    {
        using var main = await SendAsync(target, HttpMethod.Get, "/", null, null, cancellationToken);
        var version = main!.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Object ? v : default;
        var distribution = version.ValueKind == JsonValueKind.Object && version.TryGetProperty("distribution", out var d) ? d.GetString() : null;
        var reported = OpenSearchCluster.ParseVersion(version.ValueKind == JsonValueKind.Object && version.TryGetProperty("number", out var n) ? n.GetString() : null);
        if (distribution != "opensearch" || reported is null)
        {
            throw new OpenSearchRequestException(0, OpenSearchRequestException.NotOpenSearch, $"GET {target.Endpoint.Host}/ did not report an OpenSearch distribution and version");
        }

        JsonDocument? nodes;
        try
        {
            nodes = await SendAsync(target, HttpMethod.Get, "/_nodes/plugins", null, null, cancellationToken);
        }
        catch (OpenSearchRequestException ex) when (ex.Status is 400 or 404 or 405)
        {
            // A managed service that does not expose the nodes API: the version stands, the plugins are not known.
            return new OpenSearchCluster(reported, new HashSet<string>(StringComparer.Ordinal)) { PluginsKnown = false };
        }

        var plugins = new HashSet<string>(StringComparer.Ordinal);
        var nodeVersions = new List<Version>();
        using (nodes)
        {
            if (nodes!.RootElement.TryGetProperty("nodes", out var all) && all.ValueKind == JsonValueKind.Object)
            {
                foreach (var node in all.EnumerateObject())
                {
                    // A cluster in compatibility mode reports 7.10.2 at GET /; each node still reports its real version.
                    if (node.Value.TryGetProperty("version", out var nv) && OpenSearchCluster.ParseVersion(nv.GetString()) is { } nodeVersion)
                    {
                        nodeVersions.Add(nodeVersion);
                    }

                    if (node.Value.TryGetProperty("plugins", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var plugin in list.EnumerateArray())
                        {
                            if (plugin.TryGetProperty("name", out var name) && name.GetString() is { } text)
                            {
                                plugins.Add(text);
                            }
                        }
                    }
                }
            }
        }

        return new OpenSearchCluster(nodeVersions.Count > 0 ? nodeVersions.Min()! : reported, plugins);
    }

    public async Task<OpenSearchSearchResponse> SearchAsync(OpenSearchTarget target, string index, JsonObject body, string? searchPipeline, CancellationToken cancellationToken)
    {
        var path = "/" + Uri.EscapeDataString(index) + "/_search" + (searchPipeline is null ? "" : "?search_pipeline=" + Uri.EscapeDataString(searchPipeline));
        using var document = await SendAsync(target, HttpMethod.Post, path, Utf8(body), Json, cancellationToken);
        return OpenSearchResponses.ParseSearch(document!.RootElement);
    }

    public async Task<IReadOnlyList<OpenSearchBulkItem>> BulkAsync(OpenSearchTarget target, string index, IReadOnlyList<OpenSearchBulkOperation> operations, CancellationToken cancellationToken)
    {
        var body = new StringBuilder();
        foreach (var operation in operations)
        {
            var action = new JsonObject { [operation.Action] = new JsonObject { ["_id"] = operation.Id } };
            body.Append(action.ToJsonString()).Append('\n');
            if (operation.Source is not null)
            {
                body.Append(operation.Source.ToJsonString()).Append('\n');
            }
        }

        var path = "/" + Uri.EscapeDataString(index) + "/_bulk?refresh=wait_for";
        using var document = await SendAsync(target, HttpMethod.Post, path, Encoding.UTF8.GetBytes(body.ToString()), NdJson, cancellationToken);
        var items = new List<OpenSearchBulkItem>(operations.Count);
        foreach (var item in document!.RootElement.GetProperty("items").EnumerateArray())
        {
            var entry = item.EnumerateObject().First();
            var value = entry.Value;
            var error = value.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : (JsonElement?)null;
            items.Add(new OpenSearchBulkItem(
                entry.Name,
                value.TryGetProperty("_id", out var id) ? id.GetString() ?? string.Empty : string.Empty,
                value.GetProperty("status").GetInt32(),
                value.TryGetProperty("result", out var result) ? result.GetString() : null,
                error is { } err && err.TryGetProperty("type", out var type) ? type.GetString() : null,
                error is { } er && er.TryGetProperty("reason", out var reason) ? reason.GetString() : null));
        }

        return items;
    }

    public async Task<JsonElement?> GetMappingAsync(OpenSearchTarget target, string index, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await SendAsync(target, HttpMethod.Get, "/" + Uri.EscapeDataString(index) + "/_mapping", null, null, cancellationToken);
            return document!.RootElement.Clone();
        }
        catch (OpenSearchRequestException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> CreateIndexAsync(OpenSearchTarget target, string index, JsonObject body, CancellationToken cancellationToken)
    {
        try
        {
            using var _ = await SendAsync(target, HttpMethod.Put, "/" + Uri.EscapeDataString(index), Utf8(body), Json, cancellationToken);
            return true;
        }
        catch (OpenSearchRequestException ex) when (ex.Status == 400 && ex.ErrorType is "resource_already_exists_exception")
        {
            return false;
        }
    }

    public async Task PutSearchPipelineAsync(OpenSearchTarget target, string id, JsonObject body, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(target, HttpMethod.Put, "/_search/pipeline/" + Uri.EscapeDataString(id), Utf8(body), Json, cancellationToken);
    }

    public async Task PutSecurityResourceAsync(OpenSearchTarget target, string resource, string name, JsonObject body, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(target, HttpMethod.Put, "/_plugins/_security/api/" + Uri.EscapeDataString(resource) + "/" + Uri.EscapeDataString(name), Utf8(body), Json, cancellationToken);
    }

    private static byte[] Utf8(JsonNode body) => Encoding.UTF8.GetBytes(body.ToJsonString());

    private async Task<JsonDocument?> SendAsync(OpenSearchTarget target, HttpMethod method, string pathAndQuery, byte[]? body, MediaTypeHeaderValue? contentType, CancellationToken cancellationToken)
    {
        var uri = new Uri(target.Endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + pathAndQuery);
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = contentType;
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        target.Authorizer.Authorize(request);

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or TaskCanceledException or TimeoutRejectedException or BrokenCircuitException)
        {
            throw new OpenSearchRequestException(0, null, $"{method} {uri.Host}{uri.AbsolutePath} failed: {ex.Message}", ex);
        }

        using (response)
        {
            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var (type, reason) = OpenSearchResponses.ReadError(content);
                throw new OpenSearchRequestException((int)response.StatusCode, type, $"{method} {uri.Host}{uri.AbsolutePath} returned {(int)response.StatusCode} {type}: {reason}");
            }

            return content.Length == 0 ? null : JsonDocument.Parse(content);
        }
    }
}

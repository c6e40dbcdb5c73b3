using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Search;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Routing table in DynamoDB with the item shape of the original multi-tenant RAG design: <c>pk = tenant#&lt;id&gt;</c>,
/// <c>sk = os_config</c>, <c>os_host</c>, <c>os_index</c>, <c>rag_role</c> (and optionally <c>isolation</c>, <c>auth</c>,
/// <c>region</c>, <c>embedding_model</c>, <c>dimensions</c>). Routes are cached for <see cref="DynamoDbTenantDirectoryOptions.CacheTtl"/>;
/// when the table cannot be read, the last known route is used rather than failing every call, and a tenant with no
/// known route is not provisioned.
/// </summary>
public sealed class DynamoDbTenantDirectory : ITenantDirectory, IDisposable
{
    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string ConfigSortKey = "os_config";

    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbTenantDirectoryOptions _options;
    private readonly BackendRegistry _backends;
    private readonly TimeProvider _time;
    private readonly ILogger<DynamoDbTenantDirectory> _logger;
    private readonly ConcurrentDictionary<string, (TenantRoute? Route, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public DynamoDbTenantDirectory(IOptions<DynamoDbTenantDirectoryOptions> options, IAwsCredentialSource credentials, BackendRegistry backends, TimeProvider time, ILogger<DynamoDbTenantDirectory> logger)
    {
        _options = options.Value;
        var config = new AmazonDynamoDBConfig();
        if (_options.ServiceUrl is not null)
        {
            config.ServiceURL = _options.ServiceUrl.ToString();
            config.AuthenticationRegion = _options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(_options.Region);
        }

        _client = new AmazonDynamoDBClient(credentials.GetCredentials(), config);
        _backends = backends;
        _time = time;
        _logger = logger;
    }

    public async ValueTask<TenantRoute?> FindAsync(string tenantId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(tenantId, out var cached) && cached.Expires > now)
        {
            return cached.Route;
        }

        GetItemResponse response;
        try
        {
            response = await _client.GetItemAsync(new GetItemRequest
            {
                TableName = _options.TableName,
                Key = new Dictionary<string, AttributeValue>
                {
                    [PartitionKey] = new() { S = "tenant#" + tenantId },
                    [SortKey] = new() { S = ConfigSortKey },
                },
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException)
        {
            // A tenant seen before keeps its last known route; one never seen cannot be routed and is answered as not
            // provisioned (nothing is cached, so the next call reads the table again).
            _logger.LogWarning("Routing table read for tenant {Tenant} failed: {Reason}", tenantId, ex.Message);
            return cached.Route;
        }

        TenantRoute? route = null;
        if (response.Item is { Count: > 0 } item)
        {
            try
            {
                route = ToRoute(tenantId, item, _backends.ValidateRoute);
            }
            catch (FormatException ex)
            {
                _logger.LogWarning("Routing table item for tenant {Tenant} is invalid and ignored: {Reason}", tenantId, ex.Message);
                throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's route is misconfigured");
            }
        }

        _cache[tenantId] = (route, now + _options.CacheTtl);
        return route;
    }

    /// <summary>Maps an item of the original design to a route, validated like a routing-table file entry.</summary>
    public static TenantRoute ToRoute(string tenantId, IReadOnlyDictionary<string, AttributeValue> item, Func<TenantRoute, TenantRoute> validateRoute)
    {
        string? Text(string name) => item.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value.S) ? value.S : null;
        var host = Text("os_host") ?? throw new FormatException($"tenant '{tenantId}': item has no os_host");
        var route = new JsonObject
        {
            ["backend"] = "opensearch",
            ["isolation"] = Text("isolation") ?? "index",
            ["endpoint"] = host.Contains("://", StringComparison.Ordinal) ? host : "https://" + host,
        };
        foreach (var (attribute, setting) in new[] { ("os_index", "index"), ("rag_role", "role"), ("auth", "auth"), ("region", "region"), ("embedding_model", "embeddingModel") })
        {
            if (Text(attribute) is { } value)
            {
                route[setting] = value;
            }
        }

        if (item.TryGetValue("dimensions", out var dimensions) && int.TryParse(dimensions.N, out var size))
        {
            route["dimensions"] = size;
        }

        var table = new JsonObject { ["tenants"] = new JsonObject { [tenantId] = route } };
        return TenantTable.Parse(table.ToJsonString(), validateRoute)[tenantId];
    }

    public void Dispose() => _client.Dispose();
}

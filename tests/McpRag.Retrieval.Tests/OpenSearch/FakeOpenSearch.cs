using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// A fake OpenSearch on 127.0.0.1 (WireMock.Net): tests stub the responses a real cluster gives and read back the exact
/// requests the backend sent. Response bodies are written from the API specification's response schemas.
/// </summary>
internal sealed class FakeOpenSearch : IDisposable
{
    private readonly WireMockServer _server;

    /// <summary>Starts the fake; it reports itself as <paramref name="version"/> with the k-NN and neural-search plugins.</summary>
    public FakeOpenSearch(string version = "2.19.1")
    {
        _server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
        Cluster(version, priority: 50);
    }

    /// <summary>
    /// <c>GET /</c> and <c>GET /_nodes/plugins</c> answer as a cluster of the given version and plugins (shapes of the
    /// spec's <c>info</c> and <c>nodes.info</c> responses).
    /// </summary>
    public void Cluster(string version, string[]? plugins = null, int priority = 5)
    {
        plugins ??= ["opensearch-knn", "opensearch-neural-search", "opensearch-security"];
        Stub("GET", "/", 200, new JsonObject
        {
            ["name"] = "node-1",
            ["cluster_name"] = "fake",
            ["cluster_uuid"] = "Cz2a3_6bQZ2Y4Xo1m2mYpw",
            ["version"] = new JsonObject
            {
                ["distribution"] = "opensearch",
                ["number"] = version,
                ["build_type"] = "tar",
                ["build_hash"] = "0000000",
                ["build_date"] = "2026-01-01T00:00:00Z",
                ["build_snapshot"] = false,
                ["lucene_version"] = "9.12.0",
                ["minimum_wire_compatibility_version"] = "7.10.0",
                ["minimum_index_compatibility_version"] = "7.0.0",
            },
            ["tagline"] = "The OpenSearch Project: https://opensearch.org/",
        }, priority: priority);
        Stub("GET", "/_nodes/plugins", 200, new JsonObject
        {
            ["_nodes"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 },
            ["cluster_name"] = "fake",
            ["nodes"] = new JsonObject
            {
                ["n1"] = new JsonObject
                {
                    ["name"] = "node-1",
                    ["version"] = version,
                    ["plugins"] = new JsonArray(plugins.Select(p => (JsonNode)new JsonObject { ["name"] = p, ["version"] = version }).ToArray()),
                },
            },
        }, priority: priority);
    }

    public string Url => _server.Url!;

    public IReadOnlyList<ILogEntry> Requests => _server.LogEntries.OrderBy(e => e.RequestMessage.DateTime).ToList();

    public IReadOnlyList<ILogEntry> RequestsTo(string method, string path) =>
        Requests.Where(e => e.RequestMessage.Method == method && e.RequestMessage.Path == path).ToList();

    public static JsonObject BodyOf(ILogEntry entry) => JsonNode.Parse(entry.RequestMessage.Body!)!.AsObject();

    /// <summary><c>GET /{index}/_mapping</c> answers with a knn_vector field of the given size.</summary>
    public void IndexExists(string index, int dimension, string vectorField = "embedding") =>
        Stub("GET", $"/{index}/_mapping", 200, MappingBody(index, dimension, vectorField));

    private static JsonObject MappingBody(string index, int dimension, string vectorField) => new()
    {
        [index] = new JsonObject
        {
            ["mappings"] = new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    [vectorField] = new JsonObject { ["type"] = "knn_vector", ["dimension"] = dimension },
                    ["tenant_id"] = new JsonObject { ["type"] = "keyword" },
                },
            },
        },
    };

    /// <summary>The index is missing until a <c>PUT /{index}</c> creates it; the mapping then has the given vector size.</summary>
    public void IndexCreatedOnPut(string index, int dimension)
    {
        _server.Given(Request.Create().WithPath($"/{index}").UsingPut()).InScenario(index).WillSetStateTo("created")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = index }.ToJsonString()));
        _server.Given(Request.Create().WithPath($"/{index}/_mapping").UsingGet()).InScenario(index).WhenStateIs("created").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(MappingBody(index, dimension, "embedding").ToJsonString()));
        Stub("GET", $"/{index}/_mapping", 404, Error("index_not_found_exception", $"no such index [{index}]", 404), priority: 5);
    }

    public void IndexMissing(string index) =>
        Stub("GET", $"/{index}/_mapping", 404, Error("index_not_found_exception", $"no such index [{index}]", 404));

    public void Stub(string method, string path, int status, JsonNode body, Func<string?, bool>? bodyMatches = null, int priority = 10)
    {
        var request = Request.Create().WithPath(path).UsingMethod(method);
        if (bodyMatches is not null)
        {
            request = request.WithBody(bodyMatches);
        }

        _server.Given(request).AtPriority(priority)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString()));
    }

    /// <summary>Answers successive calls to one path with successive bodies (the last one repeats).</summary>
    public void StubSequence(string method, string path, params JsonNode[] bodies)
    {
        var scenario = method + " " + path;
        for (var i = 0; i < bodies.Length; i++)
        {
            var request = _server.Given(Request.Create().WithPath(path).UsingMethod(method)).InScenario(scenario);
            request = i == 0 ? request.WhenStateIs(null!) : request.WhenStateIs(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (i < bodies.Length - 1)
            {
                request = request.WillSetStateTo((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            request.RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(bodies[i].ToJsonString()));
        }
    }

    /// <summary>
    /// <c>POST /{index}/_bulk</c> answers every action line of the request: index as created (201), delete as
    /// not found (404), as a cluster without those documents would.
    /// </summary>
    public void BulkAcceptsAll(string index)
    {
        _server.Given(Request.Create().WithPath($"/{index}/_bulk").UsingPost()).AtPriority(5)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var items = (request.Body ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => JsonNode.Parse(l)!.AsObject())
                    .Where(l => l.Count == 1 && l.First().Key is "index" or "delete" && l.First().Value is JsonObject meta && meta.ContainsKey("_id"))
                    .Select(l => (l.First().Key, l.First().Value!["_id"]!.GetValue<string>(), l.First().Key == "delete" ? 404 : 201, (string?)null))
                    .ToArray();
                return new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData { BodyAsString = BulkResult(items).ToJsonString(), DetectedBodyType = WireMock.Types.BodyType.String },
                };
            }));
    }

    /// <summary>A SearchResult: took, timed_out, _shards and hits {total, max_score, hits}.</summary>
    public static JsonObject SearchResult(params JsonObject[] hits) => new()
    {
        ["took"] = 3,
        ["timed_out"] = false,
        ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
        ["hits"] = new JsonObject
        {
            ["total"] = new JsonObject { ["value"] = hits.Length, ["relation"] = "eq" },
            ["max_score"] = hits.Length == 0 ? null : hits[0]["_score"]?.DeepClone(),
            ["hits"] = new JsonArray(hits.Select(h => (JsonNode)h).ToArray()),
        },
    };

    public static JsonObject Hit(string index, string tenant, string docId, double score, string title, string text, string? highlight = null, string category = "faq")
    {
        var hit = new JsonObject
        {
            ["_index"] = index,
            ["_id"] = tenant + ":" + docId,
            ["_score"] = score,
            ["_source"] = new JsonObject
            {
                ["tenant_id"] = tenant,
                ["doc_id"] = docId,
                ["doc_key"] = tenant + ":" + docId,
                ["title"] = title,
                ["text"] = text,
                ["url"] = $"https://kb.example/{docId}",
                ["attributes"] = new JsonObject { ["category"] = new JsonArray(category) },
            },
            ["sort"] = new JsonArray(score, tenant + ":" + docId),
        };
        if (highlight is not null)
        {
            hit["highlight"] = new JsonObject { ["text"] = new JsonArray(highlight) };
        }

        return hit;
    }

    /// <summary>A BulkResponse: HTTP 200 with <c>errors</c> and one item per action, failed ones carrying an ErrorCause.</summary>
    public static JsonObject BulkResult(params (string Action, string Id, int Status, string? ErrorType)[] items) => new()
    {
        ["took"] = 12,
        ["errors"] = items.Any(i => i.Status >= 300),
        ["items"] = new JsonArray(items.Select(i =>
        {
            var item = new JsonObject { ["_index"] = "idx", ["_id"] = i.Id, ["status"] = i.Status };
            if (i.ErrorType is null)
            {
                item["result"] = i.Status == 404 ? "not_found" : i.Action == "delete" ? "deleted" : "created";
                item["_version"] = 1;
            }
            else
            {
                item["error"] = new JsonObject { ["type"] = i.ErrorType, ["reason"] = "failed to parse field [attributes.category]" };
            }

            return (JsonNode)new JsonObject { [i.Action] = item };
        }).ToArray()),
    };

    public static JsonObject Error(string type, string reason, int status) => new()
    {
        ["error"] = new JsonObject
        {
            ["root_cause"] = new JsonArray(new JsonObject { ["type"] = type, ["reason"] = reason }),
            ["type"] = type,
            ["reason"] = reason,
        },
        ["status"] = status,
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _server.Stop();
}

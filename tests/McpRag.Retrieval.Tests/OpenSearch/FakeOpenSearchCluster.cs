using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// A small OpenSearch on a loopback port that answers from the requests it is sent: <c>GET /</c> and
/// <c>GET /_nodes/plugins</c> report the simulated version, <c>_bulk</c> stores documents, <c>_search</c> runs
/// <c>bool</c>/<c>term</c>/<c>terms</c>/<c>ids</c>/<c>exists</c>/<c>multi_match</c>/<c>knn</c> (cosine, k nearest inside its filter)/<c>hybrid</c>
/// (min-max normalized, weighted) with <c>sort</c> and <c>search_after</c>. Indexes listed as shared apply
/// document-level security from the caller's JWT <c>roles</c>, and like the security plugin before 3.9 (neural-search
/// issue #1303) refuse a <c>hybrid</c> query under it. Every request is recorded for the test to inspect.
/// </summary>
internal sealed class FakeOpenSearchCluster : IAsyncDisposable
{
    private static readonly Version HybridUnderDlsFixed = new(3, 9);
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Recorded> _requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonObject>> _indexes = new(StringComparer.Ordinal);

    private FakeOpenSearchCluster(WebApplication app, string version, IReadOnlySet<string> sharedIndexes, bool neuralSearch)
    {
        _app = app;
        Version = version;
        SharedIndexes = sharedIndexes;
        NeuralSearch = neuralSearch;
    }

    public sealed record Recorded(string Method, string Path, string Query, string? Authorization, string Body)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

        /// <summary>The payload of the Bearer JWT the request carried (not verified here; tests verify signatures).</summary>
        public JsonObject? TokenClaims => Authorization is { } a && a.StartsWith("Bearer ", StringComparison.Ordinal)
            ? JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(a[7..].Split('.')[1]))!.AsObject()
            : null;
    }

    public string Url { get; private set; } = string.Empty;

    public string Version { get; }

    public IReadOnlySet<string> SharedIndexes { get; }

    public bool NeuralSearch { get; }

    public IReadOnlyList<Recorded> Requests => _requests.ToArray();

    /// <summary>The stored documents (records and passages) of an index.</summary>
    public IReadOnlyDictionary<string, JsonObject> Documents(string index) => _indexes[index];

    public IEnumerable<Recorded> Searches(string index) => Requests.Where(r => r.Method == "POST" && r.Path == $"/{index}/_search");

    /// <summary>Creates an index with the McpRag mapping, as <c>mcprag opensearch provision --apply</c> would.</summary>
    public void Provision(string index) => _indexes.TryAdd(index, new ConcurrentDictionary<string, JsonObject>(StringComparer.Ordinal));

    public static async Task<FakeOpenSearchCluster> StartAsync(string version, string[]? sharedIndexes = null, bool neuralSearch = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeOpenSearchCluster(app, version, new HashSet<string>(sharedIndexes ?? [], StringComparer.Ordinal), neuralSearch);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = new Recorded(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? string.Empty, context.Request.Headers.Authorization.FirstOrDefault(), body);
        _requests.Enqueue(request);
        var (status, answer) = Answer(request);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private (int, JsonNode) Answer(Recorded request)
    {
        var parts = request.Path.Trim('/').Split('/');
        return (request.Method, parts) switch
        {
            ("GET", [""]) => (200, new JsonObject
            {
                ["name"] = "node-1", ["cluster_name"] = "fake", ["cluster_uuid"] = "fake-uuid",
                ["version"] = new JsonObject { ["distribution"] = "opensearch", ["number"] = Version, ["build_type"] = "tar", ["lucene_version"] = "9.12.0" },
                ["tagline"] = "The OpenSearch Project: https://opensearch.org/",
            }),
            ("GET", ["_nodes", "plugins"]) => (200, new JsonObject
            {
                ["_nodes"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 },
                ["cluster_name"] = "fake",
                ["nodes"] = new JsonObject
                {
                    ["n1"] = new JsonObject
                    {
                        ["name"] = "node-1", ["version"] = Version,
                        ["plugins"] = new JsonArray((NeuralSearch ? new[] { "opensearch-knn", "opensearch-neural-search", "opensearch-security" } : ["opensearch-knn", "opensearch-security"])
                            .Select(p => (JsonNode)new JsonObject { ["name"] = p, ["version"] = Version }).ToArray()),
                    },
                },
            }),
            ("GET", [var index, "_mapping"]) => _indexes.ContainsKey(index) ? (200, Mapping(index)) : NotFound(index),
            ("POST", [var index, "_bulk"]) => _indexes.TryGetValue(index, out var docs) ? (200, Bulk(docs, request.Body)) : NotFound(index),
            ("POST", [var index, "_search"]) => _indexes.TryGetValue(index, out var docs) ? Search(index, docs, request) : NotFound(index),
            ("PUT", [var index]) => (403, Error("security_exception", $"no permissions for [indices:admin/create] and User [name={request.TokenClaims?["sub"]}]", 403)),
            _ => (400, Error("illegal_argument_exception", $"no handler for {request.Method} {request.Path}", 400)),
        };
    }

    private static JsonObject Mapping(string index) => new()
    {
        [index] = new JsonObject
        {
            ["mappings"] = new JsonObject
            {
                ["_meta"] = new JsonObject { ["embedding_model"] = "all-MiniLM-L6-v2", ["dimensions"] = 384 },
                ["properties"] = new JsonObject
                {
                    ["embedding"] = new JsonObject { ["type"] = "knn_vector", ["dimension"] = 384 },
                    ["tenant_id"] = new JsonObject { ["type"] = "keyword" },
                },
            },
        },
    };

    private static JsonObject Bulk(ConcurrentDictionary<string, JsonObject> docs, string ndjson)
    {
        var items = new JsonArray();
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var (action, meta) = JsonNode.Parse(lines[i])!.AsObject().First();
            var id = meta!["_id"]!.GetValue<string>();
            var status = 200;
            if (action == "delete")
            {
                status = docs.TryRemove(id, out _) ? 200 : 404;
            }
            else
            {
                status = docs.ContainsKey(id) ? 200 : 201;
                docs[id] = JsonNode.Parse(lines[++i])!.AsObject();
            }

            items.Add(new JsonObject { [action] = new JsonObject { ["_index"] = "idx", ["_id"] = id, ["status"] = status, ["result"] = status == 404 ? "not_found" : action == "delete" ? "deleted" : status == 201 ? "created" : "updated" } });
        }

        return new JsonObject { ["took"] = 1, ["errors"] = false, ["items"] = items };
    }

    private (int, JsonNode) Search(string index, ConcurrentDictionary<string, JsonObject> all, Recorded request)
    {
        var body = request.Json;
        var query = body["query"]!.AsObject();
        IEnumerable<KeyValuePair<string, JsonObject>> visible = all;
        if (SharedIndexes.Contains(index))
        {
            // Document-level security from the role the token maps to: the tenant in its roles claim.
            var roles = request.TokenClaims?["roles"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            visible = visible.Where(d => roles.Contains(d.Value["tenant_id"]!.GetValue<string>()));
            if (query.ContainsKey("hybrid") && OpenSearchVersion() < HybridUnderDlsFixed)
            {
                return (400, Error("search_phase_execution_exception", "all shards failed", 400, ("illegal_argument_exception", "hybrid query must be a top level query and cannot be wrapped into other queries")));
            }
        }

        if (query.ContainsKey("hybrid") && (!NeuralSearch || !request.Query.Contains("search_pipeline=", StringComparison.Ordinal)))
        {
            return (400, Error("parsing_exception", "unknown query [hybrid]", 400));
        }

        var docs = visible.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        var scores = Evaluate(query, docs);
        var ordered = scores.OrderByDescending(s => s.Value).ThenBy(s => docs[s.Key]["doc_key"]?.GetValue<string>() ?? s.Key, StringComparer.Ordinal).ToList();
        if (body["search_after"] is JsonArray after)
        {
            var afterScore = after[0]!.GetValue<double>();
            var afterKey = after[1]!.GetValue<string>();
            ordered = ordered.Where(s => Math.Round(s.Value, 6) < afterScore || (Math.Round(s.Value, 6) == afterScore && string.CompareOrdinal(docs[s.Key]["doc_key"]!.GetValue<string>(), afterKey) > 0)).ToList();
        }

        var size = body["size"]?.GetValue<int>() ?? 10;
        var hits = new JsonArray(ordered.Take(size).Select(s =>
        {
            var source = docs[s.Key].DeepClone().AsObject();
            source.Remove("embedding");
            var score = Math.Round(s.Value, 6);
            return (JsonNode)new JsonObject
            {
                ["_index"] = index, ["_id"] = s.Key, ["_score"] = score, ["_source"] = source,
                ["sort"] = new JsonArray(score, source["doc_key"]?.GetValue<string>() ?? s.Key),
            };
        }).ToArray());
        return (200, new JsonObject
        {
            ["took"] = 1, ["timed_out"] = false,
            ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
            ["hits"] = new JsonObject { ["total"] = new JsonObject { ["value"] = ordered.Count, ["relation"] = "eq" }, ["max_score"] = ordered.Count == 0 ? null : Math.Round(ordered[0].Value, 6), ["hits"] = hits },
        });
    }

    private Version OpenSearchVersion() => System.Version.Parse(string.Join('.', Version.Split('.').Take(2)));

    /// <summary>Matching documents and their scores.</summary>
    private static Dictionary<string, double> Evaluate(JsonObject query, Dictionary<string, JsonObject> docs)
    {
        var (kind, value) = query.First();
        var spec = value!.AsObject();
        switch (kind)
        {
            case "match_all":
                return docs.ToDictionary(d => d.Key, _ => 1.0);
            case "term":
            {
                var (field, expected) = spec.First();
                return docs.Where(d => Values(d.Value, field).Contains(expected!.GetValue<string>())).ToDictionary(d => d.Key, _ => 0.0);
            }

            case "terms":
            {
                var (field, expected) = spec.First();
                var allowed = expected!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet();
                return docs.Where(d => Values(d.Value, field).Any(allowed.Contains)).ToDictionary(d => d.Key, _ => 0.0);
            }

            case "exists":
            {
                var field = spec["field"]!.GetValue<string>();
                return docs.Where(d => Node(d.Value, field) is not null).ToDictionary(d => d.Key, _ => 0.0);
            }

            case "range":
            {
                // The index template maps attributes as keywords, so bounds compare as text, as OpenSearch does there.
                var (field, bounds) = spec.First();
                bool InRange(string v) => bounds!.AsObject().All(b => string.CompareOrdinal(v, b.Value!.ToString()) switch
                {
                    var c when b.Key == "gt" => c > 0,
                    var c when b.Key == "gte" => c >= 0,
                    var c when b.Key == "lt" => c < 0,
                    var c => c <= 0,
                });
                return docs.Where(d => Values(d.Value, field).Any(InRange)).ToDictionary(d => d.Key, _ => 0.0);
            }

            case "ids":
            {
                var ids = spec["values"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet();
                return docs.Where(d => ids.Contains(d.Key)).ToDictionary(d => d.Key, _ => 0.0);
            }

            case "multi_match":
            {
                var tokens = Tokens(spec["query"]!.GetValue<string>());
                var result = new Dictionary<string, double>();
                foreach (var (id, doc) in docs)
                {
                    var score = 2.0 * Tokens(doc["title"]?.GetValue<string>() ?? "").Intersect(tokens).Count() + Tokens(doc["text"]?.GetValue<string>() ?? "").Intersect(tokens).Count();
                    if (score > 0)
                    {
                        result[id] = score;
                    }
                }

                return result;
            }

            case "knn":
            {
                var (field, knn) = spec.First();
                var vector = knn!["vector"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
                var candidates = knn["filter"] is JsonObject filter ? Evaluate(filter, docs).Keys.ToHashSet() : docs.Keys.ToHashSet();
                return docs.Where(d => candidates.Contains(d.Key) && d.Value[field] is JsonArray)
                    .Select(d => (d.Key, Score: (1 + Cosine(vector, d.Value[field]!.AsArray().Select(v => v!.GetValue<double>()).ToArray())) / 2))
                    .OrderByDescending(s => s.Score).Take(knn["k"]!.GetValue<int>())
                    .ToDictionary(s => s.Key, s => s.Score);
            }

            case "bool":
            {
                var result = docs.Keys.ToDictionary(k => k, _ => 0.0);
                foreach (var clause in spec["must"]?.AsArray() ?? [])
                {
                    var scored = Evaluate(clause!.AsObject(), docs);
                    result = result.Where(r => scored.ContainsKey(r.Key)).ToDictionary(r => r.Key, r => r.Value + scored[r.Key]);
                }

                foreach (var clause in spec["filter"]?.AsArray() ?? [])
                {
                    var matched = Evaluate(clause!.AsObject(), docs);
                    result = result.Where(r => matched.ContainsKey(r.Key)).ToDictionary(r => r.Key, r => r.Value);
                }

                foreach (var clause in spec["must_not"]?.AsArray() ?? [])
                {
                    var excluded = Evaluate(clause!.AsObject(), docs);
                    result = result.Where(r => !excluded.ContainsKey(r.Key)).ToDictionary(r => r.Key, r => r.Value);
                }

                if (spec["should"] is JsonArray should)
                {
                    // Filter context only: a document must match minimum_should_match clauses (1 when the bool has no must or filter).
                    var minimum = spec["minimum_should_match"]?.GetValue<int>() ?? (spec["must"] is null && spec["filter"] is null ? 1 : 0);
                    var matches = should.Select(c => Evaluate(c!.AsObject(), docs)).ToList();
                    result = result.Where(r => matches.Count(m => m.ContainsKey(r.Key)) >= minimum).ToDictionary(r => r.Key, r => r.Value);
                }

                return result;
            }

            case "hybrid":
            {
                var subs = spec["queries"]!.AsArray().Select(q => Evaluate(q!.AsObject(), docs)).ToList();
                double[] weights = subs.Count == 2 ? [0.3, 0.7] : Enumerable.Repeat(1.0 / subs.Count, subs.Count).ToArray();
                var combined = new Dictionary<string, double>();
                for (var i = 0; i < subs.Count; i++)
                {
                    if (subs[i].Count == 0)
                    {
                        continue;
                    }

                    var (min, max) = (subs[i].Values.Min(), subs[i].Values.Max());
                    foreach (var (id, score) in subs[i])
                    {
                        combined[id] = combined.GetValueOrDefault(id) + (weights[i] * (max > min ? (score - min) / (max - min) : 1.0));
                    }
                }

                return combined;
            }

            default:
                throw new InvalidOperationException($"the fake does not run '{kind}' queries");
        }
    }

    private static JsonNode? Node(JsonObject doc, string field) =>
        field.Split('.').Aggregate((JsonNode?)doc, (node, part) => node is JsonObject o ? o[part] : null);

    private static IEnumerable<string> Values(JsonObject doc, string field)
    {
        JsonNode? node = doc;
        foreach (var part in field.Split('.'))
        {
            node = node?[part];
        }

        return node switch
        {
            JsonArray array => array.Select(v => v!.GetValue<string>()),
            JsonValue v => [v.GetValue<string>()],
            _ => [],
        };
    }

    private static HashSet<string> Tokens(string text) =>
        text.ToLowerInvariant().Split(text.Where(c => !char.IsLetterOrDigit(c)).Distinct().Append(' ').ToArray(), StringSplitOptions.RemoveEmptyEntries).ToHashSet();

    private static double Cosine(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static (int, JsonNode) NotFound(string index) => (404, Error("index_not_found_exception", $"no such index [{index}]", 404));

    private static JsonObject Error(string type, string reason, int status, (string Type, string Reason)? rootCause = null) => new()
    {
        ["error"] = new JsonObject
        {
            ["root_cause"] = new JsonArray(new JsonObject { ["type"] = rootCause?.Type ?? type, ["reason"] = rootCause?.Reason ?? reason }),
            ["type"] = type,
            ["reason"] = reason,
        },
        ["status"] = status,
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

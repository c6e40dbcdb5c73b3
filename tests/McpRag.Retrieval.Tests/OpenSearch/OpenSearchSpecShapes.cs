using System.Text.Json.Nodes;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// The request-body rules of the OpenSearch API specification that McpRag's requests touch, written down as checks:
/// SearchRequestBody keys, QueryContainer variants, KnnQuery (exactly one field; <c>vector</c> required; at most one of
/// k / min_score / max_distance), HybridQuery (at most 5 sub-queries), bulk OperationContainer (exactly one action),
/// create-index KnnVectorProperty (<c>dimension</c> and <c>method.name</c> required) and the normalization processor's enums.
/// Each method returns the violations it finds, so a test can show them.
/// </summary>
internal static class OpenSearchSpecShapes
{
    private static readonly HashSet<string> SearchBodyKeys =
    [
        "query", "size", "from", "_source", "aggregations", "aggs", "ext", "explain", "sort", "track_total_hits",
        "search_after", "highlight", "min_score", "timeout", "track_scores", "version", "seq_no_primary_term", "stored_fields",
        "docvalue_fields", "fields", "post_filter", "collapse", "rescore", "terminate_after", "profile", "pit", "script_fields", "stats",
        "suggest", "indices_boost", "slice", "runtime_mappings", "verbose_pipeline", "search_pipeline", "include_named_queries_score",
    ];

    private static readonly HashSet<string> QueryKinds = ["bool", "multi_match", "match", "term", "terms", "ids", "knn", "hybrid", "neural", "match_all", "exists", "range"];
    private static readonly HashSet<string> BoolKeys = ["must", "filter", "should", "must_not", "minimum_should_match", "boost", "_name"];
    private static readonly HashSet<string> KnnKeys = ["vector", "k", "filter", "min_score", "max_distance", "method_parameters", "rescore", "expand_nested_docs", "boost", "_name"];
    private static readonly HashSet<string> MultiMatchKeys = ["query", "fields", "type", "operator", "minimum_should_match", "fuzziness", "boost", "analyzer", "tie_breaker", "_name"];
    private static readonly HashSet<string> BulkActions = ["index", "create", "update", "delete"];
    private static readonly HashSet<string> BulkActionKeys = ["_index", "_id", "routing", "if_seq_no", "if_primary_term", "version", "version_type", "require_alias", "pipeline", "retry_on_conflict"];

    public static List<string> SearchBody(JsonObject body)
    {
        var errors = new List<string>();
        errors.AddRange(body.Select(p => p.Key).Where(k => !SearchBodyKeys.Contains(k)).Select(k => $"search body key '{k}' is not in SearchRequestBody"));
        if (body["query"] is JsonObject query)
        {
            Query(query, "query", errors, topLevel: true);
        }

        if (body["size"] is JsonNode size && size.GetValue<int>() < 0)
        {
            errors.Add("size must be >= 0");
        }

        return errors;
    }

    public static List<string> BulkBody(string ndjson)
    {
        var errors = new List<string>();
        if (!ndjson.EndsWith('\n'))
        {
            errors.Add("bulk body must end with a newline");
        }

        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var action = JsonNode.Parse(lines[i])!.AsObject();
            if (action.Count != 1 || !BulkActions.Contains(action.First().Key))
            {
                errors.Add($"line {i + 1}: an action line holds exactly one of index, create, update, delete");
                continue;
            }

            var (name, meta) = action.First();
            errors.AddRange(meta!.AsObject().Select(p => p.Key).Where(k => !BulkActionKeys.Contains(k)).Select(k => $"line {i + 1}: '{k}' is not an OperationBase field"));
            if (name != "delete")
            {
                i++;
                if (i >= lines.Length || JsonNode.Parse(lines[i]) is not JsonObject)
                {
                    errors.Add($"{name} action must be followed by a source object line");
                }
            }
        }

        return errors;
    }

    public static List<string> CreateIndexBody(JsonObject body)
    {
        var errors = new List<string>();
        errors.AddRange(body.Select(p => p.Key).Where(k => k is not ("settings" or "mappings" or "aliases")).Select(k => $"create-index key '{k}' is not allowed"));
        foreach (var (name, property) in body["mappings"]?["properties"]?.AsObject() ?? [])
        {
            if (property?["type"]?.GetValue<string>() != "knn_vector")
            {
                continue;
            }

            if (property["dimension"] is null)
            {
                errors.Add($"knn_vector '{name}' needs dimension");
            }

            if (property["method"] is JsonObject method && method["name"] is null)
            {
                errors.Add($"knn_vector '{name}' method needs name");
            }
        }

        return errors;
    }

    public static List<string> SearchPipelineBody(JsonObject body)
    {
        var errors = new List<string>();
        foreach (var processor in body["phase_results_processors"]?.AsArray() ?? [])
        {
            if (processor?["normalization-processor"] is not JsonObject normalization)
            {
                continue;
            }

            var technique = normalization["normalization"]?["technique"]?.GetValue<string>();
            if (technique is not ("l2" or "min_max"))
            {
                errors.Add($"normalization.technique '{technique}' is not l2 or min_max");
            }

            var combination = normalization["combination"]?["technique"]?.GetValue<string>();
            if (combination is not ("arithmetic_mean" or "geometric_mean" or "harmonic_mean"))
            {
                errors.Add($"combination.technique '{combination}' is not a spec value");
            }

            if (normalization["combination"]?["parameters"]?["weights"] is JsonArray weights && Math.Abs(weights.Sum(w => w!.GetValue<double>()) - 1.0) > 1e-9)
            {
                errors.Add("combination weights must sum to 1.0");
            }
        }

        return errors;
    }

    private static void Query(JsonObject query, string path, List<string> errors, bool topLevel)
    {
        if (query.Count != 1)
        {
            errors.Add($"{path}: a QueryContainer holds exactly one query");
            return;
        }

        var (kind, value) = query.First();
        if (!QueryKinds.Contains(kind))
        {
            errors.Add($"{path}: unknown query '{kind}'");
            return;
        }

        var body = value!.AsObject();
        switch (kind)
        {
            case "bool":
                errors.AddRange(body.Select(p => p.Key).Where(k => !BoolKeys.Contains(k)).Select(k => $"{path}.bool: '{k}' is not a BoolQuery field"));
                foreach (var clause in new[] { "must", "filter", "should", "must_not" })
                {
                    foreach (var (item, i) in (body[clause]?.AsArray() ?? []).Select((item, i) => (item, i)))
                    {
                        Query(item!.AsObject(), $"{path}.bool.{clause}[{i}]", errors, topLevel: false);
                    }
                }

                break;
            case "multi_match":
                errors.AddRange(body.Select(p => p.Key).Where(k => !MultiMatchKeys.Contains(k)).Select(k => $"{path}.multi_match: '{k}' is not allowed"));
                if (body["query"] is null)
                {
                    errors.Add($"{path}.multi_match needs query");
                }

                break;
            case "knn":
                if (body.Count != 1)
                {
                    errors.Add($"{path}.knn holds exactly one field");
                    break;
                }

                var knn = body.First().Value!.AsObject();
                errors.AddRange(knn.Select(p => p.Key).Where(k => !KnnKeys.Contains(k)).Select(k => $"{path}.knn: '{k}' is not a KnnQuery field"));
                if (knn["vector"] is not JsonArray)
                {
                    errors.Add($"{path}.knn: vector is required");
                }

                if (new[] { "k", "min_score", "max_distance" }.Count(k => knn[k] is not null) > 1)
                {
                    errors.Add($"{path}.knn: only one of k, min_score, max_distance");
                }

                if (knn["k"] is JsonNode k && k.GetValue<int>() is < 1 or > 10_000)
                {
                    errors.Add($"{path}.knn: k must be in [1, 10000]");
                }

                if (knn["filter"] is JsonObject filter)
                {
                    Query(filter, $"{path}.knn.filter", errors, topLevel: false);
                }

                break;
            case "hybrid":
                if (!topLevel)
                {
                    errors.Add($"{path}: hybrid must be the top-level query");
                }

                var queries = body["queries"]?.AsArray() ?? [];
                if (queries.Count is < 1 or > 5)
                {
                    errors.Add($"{path}.hybrid: 1-5 queries");
                }

                foreach (var (item, i) in queries.Select((item, i) => (item, i)))
                {
                    Query(item!.AsObject(), $"{path}.hybrid.queries[{i}]", errors, topLevel: false);
                }

                break;
            case "ids":
                if (body["values"] is not JsonArray)
                {
                    errors.Add($"{path}.ids needs values");
                }

                break;
        }
    }
}

using System.Text.Json.Nodes;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Search.Filters;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Builds every OpenSearch request body. The tenant clause is added here and nowhere else: every query, k-NN filter,
/// fetch and hash lookup carries <c>term {tenantField: tenant}</c> in every isolation mode, whatever the caller's
/// filters, so a route that points at the wrong (shared) index still cannot return another tenant's documents.
/// </summary>
public static class OpenSearchQueries
{
    public const string HighlightTag = "**";
    public const int SnippetLength = SnippetText.Length;

    /// <summary>The filter clauses every query runs inside: the tenant term, and the caller's filter as a separate clause.</summary>
    public static JsonArray Scope(OpenSearchRoute route, string tenantId, SearchFilter? filter)
    {
        var scope = new JsonArray { Term(route.TenantField, tenantId) };
        // A top-level "all of" is spread into the scope's own filter clauses (the same meaning, one level less).
        var clauses = filter switch
        {
            null => [],
            FilterGroup { Join: FilterJoin.All } all => all.Members,
            _ => [filter],
        };
        foreach (var clause in clauses)
        {
            scope.Add(OpenSearchFilters.Build(clause));
        }

        return scope;
    }

    /// <summary>
    /// BM25 over title and text (<c>multi_match</c>, title boosted) inside the scope, on document records only: a
    /// record holds the whole text, so its passages would only repeat it.
    /// </summary>
    public static JsonObject KeywordQuery(OpenSearchRoute route, string text, JsonArray scope) => new()
    {
        ["bool"] = new JsonObject
        {
            ["must"] = new JsonArray(new JsonObject
            {
                ["multi_match"] = new JsonObject
                {
                    ["query"] = text,
                    ["fields"] = new JsonArray(route.TitleField + "^2", route.TextField),
                },
            }),
            ["filter"] = RecordsOnly(scope),
        },
    };

    /// <summary>The scope plus "not a passage": the filter of every query that counts or ranks whole documents.</summary>
    public static JsonArray RecordsOnly(JsonArray scope)
    {
        var filter = scope.DeepClone().AsArray();
        filter.Add(new JsonObject { ["bool"] = new JsonObject { ["must_not"] = new JsonArray(new JsonObject { ["exists"] = new JsonObject { ["field"] = OpenSearchFields.Passage } }) } });
        return filter;
    }

    /// <summary>
    /// k-NN on the vector field inside the scope. With efficient filtering the scope goes into <c>knn.filter</c> (the
    /// engine filters while it searches, so k results come back); otherwise the k-NN query sits in a <c>bool</c> whose
    /// <c>filter</c> is the scope, which clusters without efficient filtering for the engine accept.
    /// </summary>
    public static JsonObject SemanticQuery(OpenSearchRoute route, ReadOnlySpan<float> vector, int k, JsonArray scope, OpenSearchKnnFiltering filtering)
    {
        var knn = new JsonObject
        {
            ["vector"] = new JsonArray(vector.ToArray().Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["k"] = k,
        };
        if (filtering == OpenSearchKnnFiltering.Efficient)
        {
            knn["filter"] = new JsonObject { ["bool"] = new JsonObject { ["filter"] = scope.DeepClone() } };
            return new JsonObject { ["knn"] = new JsonObject { [route.VectorField] = knn } };
        }

        return new JsonObject
        {
            ["bool"] = new JsonObject
            {
                ["must"] = new JsonArray(new JsonObject { ["knn"] = new JsonObject { [route.VectorField] = knn } }),
                ["filter"] = scope.DeepClone(),
            },
        };
    }

    /// <summary>A keyword or semantic page: sorted by score then <c>doc_key</c>, so <c>search_after</c> can continue it.</summary>
    public static JsonObject Page(OpenSearchRoute route, JsonObject query, string text, int size, JsonArray? searchAfter, int snippetChars = SnippetLength)
    {
        var body = Body(route, query, text, size, snippetChars);
        body["sort"] = new JsonArray(
            new JsonObject { ["_score"] = new JsonObject { ["order"] = "desc" } },
            new JsonObject { [OpenSearchFields.DocKey] = new JsonObject { ["order"] = "asc" } });
        if (searchAfter is not null)
        {
            body["search_after"] = searchAfter.DeepClone();
        }

        return body;
    }

    /// <summary>
    /// A <c>hybrid</c> query (run with the normalization search pipeline): keyword and k-NN sub-queries, each carrying the
    /// scope, because the top-level <c>hybrid.filter</c> exists only from OpenSearch 3.0.
    /// </summary>
    public static JsonObject Hybrid(OpenSearchRoute route, string text, ReadOnlySpan<float> vector, int size, JsonArray scope, OpenSearchKnnFiltering filtering, int snippetChars = SnippetLength) =>
        Body(route, new JsonObject
        {
            ["hybrid"] = new JsonObject
            {
                ["queries"] = new JsonArray(KeywordQuery(route, text, scope), SemanticQuery(route, vector, size, scope, filtering)),
            },
        }, text, size, snippetChars);

    /// <summary>Documents by key inside the scope: how <c>fetch</c> and the unchanged-content check read.</summary>
    public static JsonObject ByKeys(OpenSearchRoute route, IReadOnlyList<string> keys, JsonArray scope, params string[] sourceFields)
    {
        var filter = scope.DeepClone().AsArray();
        filter.Add(new JsonObject { ["ids"] = new JsonObject { ["values"] = new JsonArray(keys.Select(k => (JsonNode)JsonValue.Create(k)).ToArray()) } });
        var body = new JsonObject
        {
            ["size"] = keys.Count,
            ["query"] = new JsonObject { ["bool"] = new JsonObject { ["filter"] = filter } },
        };
        body["_source"] = sourceFields.Length > 0
            ? new JsonObject { ["includes"] = new JsonArray(sourceFields.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()) }
            : new JsonObject { ["excludes"] = new JsonArray(route.VectorField) };
        return body;
    }

    /// <summary>
    /// <c>PUT /{index}</c> body: k-NN enabled, the vector as <c>knn_vector</c> (HNSW, cosine, lucene or faiss so filters
    /// apply during the search; faiss with cosine needs 2.19, see <see cref="OpenSearchCapabilities"/>), the tenant and
    /// ids as <c>keyword</c>, attributes as keywords through a dynamic template, and the embedding model in <c>_meta</c>.
    /// </summary>
    public static JsonObject CreateIndex(OpenSearchRoute route) => new()
    {
        ["settings"] = new JsonObject { ["index"] = new JsonObject { ["knn"] = true } },
        ["mappings"] = new JsonObject
        {
            // The model the vectors come from: a route that names another one is disabled instead of mixing vectors.
            ["_meta"] = new JsonObject { [OpenSearchFields.EmbeddingModel] = route.EmbeddingModel, ["dimensions"] = route.Dimensions },
            ["dynamic_templates"] = new JsonArray(new JsonObject
            {
                ["attributes_as_keywords"] = new JsonObject
                {
                    ["path_match"] = OpenSearchFields.Attributes + ".*",
                    ["mapping"] = new JsonObject { ["type"] = "keyword" },
                },
            }),
            ["properties"] = new JsonObject
            {
                [route.TenantField] = new JsonObject { ["type"] = "keyword" },
                [OpenSearchFields.DocId] = new JsonObject { ["type"] = "keyword" },
                [OpenSearchFields.DocKey] = new JsonObject { ["type"] = "keyword" },
                [route.TitleField] = new JsonObject { ["type"] = "text" },
                [route.TextField] = new JsonObject { ["type"] = "text" },
                [OpenSearchFields.Url] = new JsonObject { ["type"] = "keyword", ["index"] = false },
                [OpenSearchFields.ContentHash] = new JsonObject { ["type"] = "keyword" },
                [OpenSearchFields.EmbeddingModel] = new JsonObject { ["type"] = "keyword" },
                [OpenSearchFields.Passage] = new JsonObject { ["type"] = "integer" },
                [OpenSearchFields.Passages] = new JsonObject { ["type"] = "integer" },
                [OpenSearchFields.Attributes] = new JsonObject { ["type"] = "object" },
                [route.VectorField] = new JsonObject
                {
                    ["type"] = "knn_vector",
                    ["dimension"] = route.Dimensions,
                    ["method"] = new JsonObject { ["name"] = "hnsw", ["space_type"] = "cosinesimil", ["engine"] = route.Engine },
                },
            },
        },
    };

    /// <summary>The search pipeline hybrid queries run through: min-max normalization, weighted arithmetic mean.</summary>
    public static JsonObject HybridPipeline(double keywordWeight) => new()
    {
        ["description"] = "McpRag hybrid search: keyword and k-NN scores normalized and combined",
        ["phase_results_processors"] = new JsonArray(new JsonObject
        {
            ["normalization-processor"] = new JsonObject
            {
                ["normalization"] = new JsonObject { ["technique"] = "min_max" },
                ["combination"] = new JsonObject
                {
                    ["technique"] = "arithmetic_mean",
                    ["parameters"] = new JsonObject { ["weights"] = new JsonArray(Math.Round(keywordWeight, 3), Math.Round(1 - keywordWeight, 3)) },
                },
            },
        }),
    };

    /// <summary>
    /// A search body: the query, its size, the source without the vector, and the highlighted snippet, a fragment of
    /// about <paramref name="snippetChars"/> characters (the caller's <c>snippet_chars</c>).
    /// </summary>
    public static JsonObject Body(OpenSearchRoute route, JsonObject query, string text, int size, int snippetChars = SnippetLength) => new()
    {
        ["size"] = size,
        ["query"] = query,
        ["_source"] = new JsonObject { ["excludes"] = new JsonArray(route.VectorField) },
        ["highlight"] = new JsonObject
        {
            ["pre_tags"] = new JsonArray(HighlightTag),
            ["post_tags"] = new JsonArray(HighlightTag),
            ["fields"] = new JsonObject
            {
                [route.TextField] = new JsonObject
                {
                    ["fragment_size"] = snippetChars,
                    ["number_of_fragments"] = 1,
                    ["highlight_query"] = new JsonObject { ["match"] = new JsonObject { [route.TextField] = text } },
                },
            },
        },
    };

    private static JsonObject Term(string field, string value) =>
        new() { ["term"] = new JsonObject { [field] = value } };
}

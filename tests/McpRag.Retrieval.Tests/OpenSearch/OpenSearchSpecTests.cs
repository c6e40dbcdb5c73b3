using System.Text.Json.Nodes;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>The spec validator itself: it accepts the specification's own examples and catches what a cluster refuses.</summary>
public sealed class OpenSearchSpecTests
{
    [Fact]
    public void SearchBody_SpecTestKnnWithFilter_IsValid()
    {
        var body = JsonNode.Parse("""{"query":{"knn":{"embedding":{"vector":[1.4,2.3,3.5,4.1,9.2],"k":1,"filter":{"term":{"year":2012}}}}}}""")!;

        Assert.Empty(OpenSearchSpec.SearchBody(body));
    }

    [Theory]
    [InlineData("""{"query":{"knn":{"embedding":{"k":3}}}}""")]
    [InlineData("""{"query":{"match_all":{}},"size":"ten"}""")]
    [InlineData("""{"query":{"term":{"a":"b"},"match":{"a":"b"}}}""")]
    public void SearchBody_BodyOutsideTheSchema_IsReported(string json)
    {
        Assert.NotEmpty(OpenSearchSpec.SearchBody(JsonNode.Parse(json)!));
    }

    [Fact]
    public void SearchBody_ScoreThenFieldSort_IsValidWithTheKnownSortGapPatched()
    {
        var body = JsonNode.Parse("""{"query":{"match_all":{}},"sort":[{"_score":{"order":"desc"}},{"doc_key":{"order":"asc"}}],"search_after":[1.5,"t:a"]}""")!;

        Assert.Empty(OpenSearchSpec.SearchBody(body));
    }

    [Fact]
    public void CreateIndexBody_KnnVectorWithoutDimension_IsReported()
    {
        var body = JsonNode.Parse("""{"settings":{"index":{"knn":true}},"mappings":{"properties":{"embedding":{"type":"knn_vector","method":{"name":"hnsw"}}}}}""")!;

        Assert.NotEmpty(OpenSearchSpec.CreateIndexBody(body));
    }

    [Fact]
    public void SearchPipelineBody_UnknownNormalizationTechnique_IsReported()
    {
        var body = JsonNode.Parse("""{"phase_results_processors":[{"normalization-processor":{"normalization":{"technique":"median"},"combination":{"technique":"arithmetic_mean"}}}]}""")!;

        Assert.NotEmpty(OpenSearchSpec.SearchPipelineBody(body));
    }

    [Theory]
    [InlineData("{\"index\":{\"_id\":\"a\"}}\n{\"t\":1}")]
    [InlineData("{\"index\":{\"_id\":\"a\"},\"delete\":{\"_id\":\"b\"}}\n{\"t\":1}\n")]
    [InlineData("{\"index\":{\"_id\":\"a\"}}\n")]
    public void BulkBody_MalformedNdjson_IsReported(string ndjson)
    {
        Assert.NotEmpty(OpenSearchSpec.BulkBody(ndjson));
    }
}

using System.Text.Json.Nodes;
using McpRag.Retrieval.Backends.OpenSearch;
using YamlDotNet.RepresentationModel;

namespace McpRag.Retrieval.Tests.OpenSearch;

public sealed class YamlWriterTests
{
    [Fact]
    public void Write_JsonTree_ReadsBackAsTheSameTreeWithStringsDoubleQuoted()
    {
        var tree = new JsonObject
        {
            ["_meta"] = new JsonObject { ["type"] = "roles", ["config_version"] = 2 },
            ["mcprag_tenant_c"] = new JsonObject
            {
                ["reserved"] = false,
                ["index_permissions"] = new JsonArray(new JsonObject
                {
                    ["index_patterns"] = new JsonArray("shared-cd"),
                    ["dls"] = """{"term":{"tenant_id":"tenant-c"}}""",
                    ["allowed_actions"] = new JsonArray(),
                }),
                ["description"] = "line one\nline two: with \"quotes\", a # and ünïcode",
                ["hosts"] = new JsonObject(),
                ["weight"] = 0.5,
                ["none"] = null,
            },
        };

        var yaml = YamlWriter.Write(tree, "generated\nsecond line");

        Assert.StartsWith("# generated\n# second line\n---\n", yaml, StringComparison.Ordinal);
        Assert.Contains("dls: \"{\\\"term\\\":{\\\"tenant_id\\\":\\\"tenant-c\\\"}}\"", yaml, StringComparison.Ordinal);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        Assert.True(JsonNode.DeepEquals(tree, OpenSearchSpec.ToJson(stream.Documents[0].RootNode)), yaml);
    }
}

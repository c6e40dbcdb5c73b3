using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace McpRag.Retrieval.Tests.OpenSearch;

/// <summary>
/// Validates request bodies against the schemas of the official OpenSearch OpenAPI specification, read at test time
/// from <c>../shared/contracts/opensearch/api-spec/spec</c> beside the repository (the YAML files as published, their
/// cross-file <c>$ref</c>s resolved on demand). Nothing of the specification is copied into the tests; the only local
/// knowledge is <see cref="KnownSpecGaps"/>, where the specification is narrower than the server it describes.
/// </summary>
internal static partial class OpenSearchSpec
{
    private const string BaseUri = "https://opensearch-api-spec.invalid/spec/";

    /// <summary>
    /// The specification's own known gaps, patched into the loaded documents (file, JSON pointer of a schema, what
    /// changes). Short on purpose: each entry is a place where the published schema refuses what OpenSearch accepts.
    /// </summary>
    private static readonly (string File, string Schema, string From, string To, string Reason)[] KnownSpecGaps =
    [
        // {"_score": {"order": "desc"}} is both a FieldWithOrder (any field name) and a SortOptions (_score), so the
        // published oneOf can never match a score sort; OpenSearch reads _score as the score. Any one branch is enough.
        ("schemas/_common.yaml", "/components/schemas/SortCombinations", "oneOf", "anyOf", "ambiguous oneOf for _score sorts"),
    ];

    private static readonly Lazy<string> SpecRoot = new(FindSpecRoot);
    private static readonly ConcurrentDictionary<Uri, IBaseDocument> Documents = new();
    private static readonly EvaluationOptions Options = CreateOptions();

    /// <summary>
    /// One evaluation at a time: the schema registry behind <see cref="Options"/> is shared, and concurrent evaluations
    /// (test classes run in parallel) were seen to report a valid body as invalid, or an invalid one as valid.
    /// </summary>
    private static readonly Lock Gate = new();

    /// <summary>The search body (<c>POST /{index}/_search</c>, requestBodies/search of namespaces/_core.yaml).</summary>
    public static List<string> SearchBody(JsonNode body) => Validate("namespaces/_core.yaml#/components/requestBodies/search/content/application~1json/schema", body);

    /// <summary>The create-index body (<c>PUT /{index}</c>, requestBodies/indices.create).</summary>
    public static List<string> CreateIndexBody(JsonNode body) => Validate("namespaces/indices.yaml#/components/requestBodies/indices.create/content/application~1json/schema", body);

    /// <summary>The search pipeline body (<c>PUT /_search/pipeline/{id}</c>, requestBodies/search_pipeline.put).</summary>
    public static List<string> SearchPipelineBody(JsonNode body) => Validate("namespaces/search_pipeline.yaml#/components/requestBodies/search_pipeline.put/content/application~1json/schema", body);

    /// <summary>
    /// A bulk body: newline-terminated NDJSON whose action lines are the spec's <c>OperationContainer</c> and whose
    /// index/create lines are followed by one source object.
    /// </summary>
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
            var action = JsonNode.Parse(lines[i]);
            errors.AddRange(Validate("schemas/_core.bulk.yaml#/components/schemas/OperationContainer", action).Select(e => $"line {i + 1}: {e}"));
            if (action is JsonObject { Count: 1 } operation && operation.First().Key is "index" or "create")
            {
                i++;
                if (i >= lines.Length || JsonNode.Parse(lines[i]) is not JsonObject)
                {
                    errors.Add($"line {i + 1}: an {operation.First().Key} action must be followed by a source object");
                }
            }
        }

        return errors;
    }

    /// <summary>Validates an instance against the schema at <paramref name="reference"/> (relative to the spec folder).</summary>
    public static List<string> Validate(string reference, JsonNode? instance)
    {
        var schema = JsonSchema.FromText($$"""{"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "{{BaseUri}}{{reference}}"}""");
        EvaluationResults result;
        lock (Gate)
        {
            result = schema.Evaluate(instance, Options);
        }

        if (result.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        Collect(result, errors);
        return errors.Distinct().ToList();
    }

    /// <summary>
    /// Leaf failures only: a <c>oneOf</c> or <c>anyOf</c> reports every branch that did not match, so a failure is kept
    /// when no deeper result at the same place explains it better.
    /// </summary>
    private static void Collect(EvaluationResults result, List<string> errors)
    {
        var failedChildren = result.Details.Where(d => !d.IsValid).ToList();
        if (failedChildren.Count > 0 && !(result.Errors?.ContainsKey("oneOf") ?? false) && !(result.Errors?.ContainsKey("anyOf") ?? false))
        {
            foreach (var child in failedChildren)
            {
                Collect(child, errors);
            }

            return;
        }

        foreach (var (keyword, message) in result.Errors ?? new Dictionary<string, string>())
        {
            errors.Add($"{result.InstanceLocation} ({result.EvaluationPath}) {keyword}: {message}");
        }

        if (result.Errors is null or { Count: 0 })
        {
            foreach (var child in failedChildren)
            {
                Collect(child, errors);
            }
        }
    }

    private static EvaluationOptions CreateOptions()
    {
        var options = new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical };
        options.SchemaRegistry.Fetch = uri => Documents.GetOrAdd(new Uri(uri.GetLeftPart(UriPartial.Path)), Load);
        return options;
    }

    private static IBaseDocument Load(Uri uri)
    {
        var relative = uri.AbsoluteUri.StartsWith(BaseUri, StringComparison.Ordinal)
            ? uri.AbsoluteUri[BaseUri.Length..]
            : throw new InvalidOperationException($"reference outside the specification: {uri}");
        var path = Path.GetFullPath(Path.Combine(SpecRoot.Value, relative));
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }

        var root = ToJson(yaml.Documents[0].RootNode) ?? new JsonObject();
        foreach (var gap in KnownSpecGaps.Where(g => g.File == relative))
        {
            var schema = gap.Schema.Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate(root, (node, key) => node[key]!).AsObject();
            var value = schema[gap.From] ?? throw new InvalidOperationException($"spec gap '{gap.Reason}' no longer applies to {gap.File}{gap.Schema}: remove it");
            schema.Remove(gap.From);
            schema[gap.To] = value;
        }

        return new JsonNodeBaseDocument(root, uri);
    }

    /// <summary>YAML to JSON with YAML's core-schema scalars: plain <c>true</c>, <c>1</c>, <c>1.5</c>, <c>null</c> keep their types.</summary>
    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => new KeyValuePair<string, JsonNode?>(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => Plain(scalar.Value ?? string.Empty),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static JsonNode? Plain(string text) =>
        text is "" or "~" or "null" ? null
        : text is "true" ? JsonValue.Create(true)
        : text is "false" ? JsonValue.Create(false)
        : IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer) ? JsonValue.Create(integer)
        : FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number)
        : JsonValue.Create(text);

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    /// <summary>The spec folder in <c>shared/</c> beside the repository (CI lays <c>../shared</c> next to the clone).</summary>
    private static string FindSpecRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "McpRag.sln")))
            {
                var spec = Path.Combine(dir.FullName, "..", "shared", "contracts", "opensearch", "api-spec", "spec");
                return Directory.Exists(spec) ? Path.GetFullPath(spec) : throw new DirectoryNotFoundException($"the OpenSearch API specification is expected at {Path.GetFullPath(spec)}");
            }
        }

        throw new DirectoryNotFoundException("McpRag.sln not found above " + AppContext.BaseDirectory);
    }
}

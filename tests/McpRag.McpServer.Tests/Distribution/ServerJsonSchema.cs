using System.Text.Json.Nodes;
using Json.Schema;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests.Distribution;

/// <summary>
/// Validates a <c>server.json</c> with JsonSchema.Net against <c>server.schema.json</c> beside this file: the MCP
/// registry's rules (schema 2025-12-11) written as a JSON Schema, because the published schema file cannot be
/// fetched on the build machines.
/// </summary>
internal static class ServerJsonSchema
{
    public const string SchemaUrl = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromFile(Path.Combine(RepositoryPaths.Root, "tests", "McpRag.McpServer.Tests", "Distribution", "server.schema.json")));

    /// <summary>Every rule the document breaks, each as <c>instance-pointer keyword: message</c>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(JsonNode? document)
    {
        var errors = new List<string>();
        Collect(Schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true }), errors);
        return errors;
    }

    /// <summary>
    /// Errors of the failing branches only: a subschema that failed inside one that passed (a <c>not</c>, one arm of an
    /// <c>anyOf</c>, an <c>if</c>) is not a violation. A <c>false</c> schema (an unknown property) reports as <c>false</c>.
    /// </summary>
    private static void Collect(EvaluationResults node, List<string> errors)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            errors.Add($"{node.InstanceLocation} {(keyword.Length == 0 ? "false" : keyword)}: {message}");
        }

        foreach (var child in node.Details)
        {
            Collect(child, errors);
        }
    }
}

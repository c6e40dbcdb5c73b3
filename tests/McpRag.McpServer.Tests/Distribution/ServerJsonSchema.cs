using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace McpRag.McpServer.Tests.Distribution;

/// <summary>
/// The MCP registry's <c>server.json</c> rules (schema 2025-12-11, <c>static.modelcontextprotocol.io</c>), written from
/// the published schema and the registry's validation notes because the schema file cannot be fetched here: required
/// fields, name pattern, lengths, exact package versions, and the shapes of packages, transports, arguments and inputs.
/// </summary>
internal static partial class ServerJsonSchema
{
    public const string SchemaUrl = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

    private static readonly HashSet<string> PackageProperties =
        ["registryType", "registryBaseUrl", "identifier", "version", "fileSha256", "runtimeHint", "transport", "runtimeArguments", "packageArguments", "environmentVariables"];

    private static readonly HashSet<string> InputFormats = ["string", "number", "boolean", "filepath"];

    /// <summary>Every rule the document breaks, each as <c>path: reason</c>; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(JsonNode? document)
    {
        var errors = new List<string>();
        if (document is not JsonObject server)
        {
            errors.Add("$: must be an object");
            return errors;
        }

        OptionalUri(server, "$schema", "$", errors);
        var name = RequiredString(server, "name", "$", errors, minLength: 3, maxLength: 200);
        if (name is not null && !NamePattern().IsMatch(name))
        {
            errors.Add("$.name: must be reverse-DNS namespace/name (^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$)");
        }

        RequiredString(server, "description", "$", errors, minLength: 1, maxLength: 100);
        ExactVersion(RequiredString(server, "version", "$", errors, minLength: 1, maxLength: 255), "$.version", errors);
        OptionalUri(server, "websiteUrl", "$", errors);
        if (server["repository"] is { } repository)
        {
            if (repository is JsonObject repo)
            {
                OptionalUri(repo, "url", "$.repository", errors, required: true);
                RequiredString(repo, "source", "$.repository", errors);
                OptionalString(repo, "id", "$.repository", errors);
                OptionalString(repo, "subfolder", "$.repository", errors);
            }
            else
            {
                errors.Add("$.repository: must be an object");
            }
        }

        foreach (var (package, path) in Items(server, "packages", "$", errors))
        {
            ValidatePackage(package, path, errors);
        }

        foreach (var (remote, path) in Items(server, "remotes", "$", errors))
        {
            ValidateTransport(remote, path, errors, remote: true);
        }

        if (server["_meta"] is { } meta && meta is not JsonObject)
        {
            errors.Add("$._meta: must be an object");
        }

        return errors;
    }

    private static void ValidatePackage(JsonObject package, string path, List<string> errors)
    {
        foreach (var (key, _) in package)
        {
            if (!PackageProperties.Contains(key))
            {
                errors.Add($"{path}.{key}: is not a package property");
            }
        }

        var registryType = RequiredString(package, "registryType", path, errors);
        RequiredString(package, "identifier", path, errors, minLength: 1);
        OptionalUri(package, "registryBaseUrl", path, errors);
        OptionalString(package, "runtimeHint", path, errors);
        var version = registryType is "npm" or "pypi" or "nuget"
            ? RequiredString(package, "version", path, errors, minLength: 1)
            : OptionalString(package, "version", path, errors);
        if (version == "latest")
        {
            errors.Add($"{path}.version: must be a specific version, not 'latest'");
        }

        ExactVersion(version, path + ".version", errors);
        if (OptionalString(package, "fileSha256", path, errors) is { } sha && !Sha256Pattern().IsMatch(sha))
        {
            errors.Add($"{path}.fileSha256: must be 64 lowercase hex digits");
        }

        if (package["transport"] is null)
        {
            errors.Add($"{path}.transport: is required");
        }
        else if (package["transport"] is JsonObject transport)
        {
            ValidateTransport(transport, path + ".transport", errors, remote: false);
        }
        else
        {
            errors.Add($"{path}.transport: must be an object");
        }

        foreach (var key in new[] { "runtimeArguments", "packageArguments" })
        {
            foreach (var (argument, argumentPath) in Items(package, key, path, errors))
            {
                ValidateArgument(argument, argumentPath, errors);
            }
        }

        foreach (var (variable, variablePath) in Items(package, "environmentVariables", path, errors))
        {
            RequiredString(variable, "name", variablePath, errors, minLength: 1);
            ValidateInput(variable, variablePath, errors);
        }
    }

    private static void ValidateTransport(JsonObject transport, string path, List<string> errors, bool remote)
    {
        var type = RequiredString(transport, "type", path, errors);
        switch (type)
        {
            case "stdio" when !remote:
                break;
            case "streamable-http" or "sse":
                RequiredString(transport, "url", path, errors, minLength: 1);
                foreach (var (header, headerPath) in Items(transport, "headers", path, errors))
                {
                    RequiredString(header, "name", headerPath, errors, minLength: 1);
                    ValidateInput(header, headerPath, errors);
                }

                break;
            case null:
                break;
            default:
                errors.Add($"{path}.type: must be {(remote ? "streamable-http or sse" : "stdio, streamable-http or sse")}");
                break;
        }
    }

    private static void ValidateArgument(JsonObject argument, string path, List<string> errors)
    {
        switch (RequiredString(argument, "type", path, errors))
        {
            case "positional":
                if (argument["value"] is null && argument["valueHint"] is null)
                {
                    errors.Add($"{path}: a positional argument needs value or valueHint");
                }

                OptionalString(argument, "valueHint", path, errors);
                break;
            case "named":
                RequiredString(argument, "name", path, errors, minLength: 1);
                break;
            case null:
                return;
            default:
                errors.Add($"{path}.type: must be positional or named");
                break;
        }

        OptionalBoolean(argument, "isRepeated", path, errors);
        ValidateInput(argument, path, errors);
    }

    private static void ValidateInput(JsonObject input, string path, List<string> errors)
    {
        foreach (var key in new[] { "description", "value", "default", "placeholder" })
        {
            OptionalString(input, key, path, errors);
        }

        OptionalBoolean(input, "isRequired", path, errors);
        OptionalBoolean(input, "isSecret", path, errors);
        if (OptionalString(input, "format", path, errors) is { } format && !InputFormats.Contains(format))
        {
            errors.Add($"{path}.format: must be one of {string.Join(", ", InputFormats)}");
        }

        if (input["choices"] is JsonArray choices)
        {
            if (choices.Any(c => c?.GetValueKind() != JsonValueKind.String))
            {
                errors.Add($"{path}.choices: must hold strings");
            }
        }
        else if (input["choices"] is not null)
        {
            errors.Add($"{path}.choices: must be an array");
        }

        if (input["variables"] is JsonObject variables)
        {
            foreach (var (name, variable) in variables)
            {
                if (variable is JsonObject v)
                {
                    ValidateInput(v, $"{path}.variables.{name}", errors);
                }
                else
                {
                    errors.Add($"{path}.variables.{name}: must be an object");
                }
            }
        }
        else if (input["variables"] is not null)
        {
            errors.Add($"{path}.variables: must be an object");
        }
    }

    private static IEnumerable<(JsonObject Item, string Path)> Items(JsonObject parent, string key, string path, List<string> errors)
    {
        if (parent[key] is null)
        {
            yield break;
        }

        if (parent[key] is not JsonArray array)
        {
            errors.Add($"{path}.{key}: must be an array");
            yield break;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject item)
            {
                yield return (item, $"{path}.{key}[{i}]");
            }
            else
            {
                errors.Add($"{path}.{key}[{i}]: must be an object");
            }
        }
    }

    private static string? RequiredString(JsonObject parent, string key, string path, List<string> errors, int minLength = 0, int maxLength = int.MaxValue)
    {
        if (parent[key] is null)
        {
            errors.Add($"{path}.{key}: is required");
            return null;
        }

        return OptionalString(parent, key, path, errors, minLength, maxLength);
    }

    private static string? OptionalString(JsonObject parent, string key, string path, List<string> errors, int minLength = 0, int maxLength = int.MaxValue)
    {
        if (parent[key] is not { } node)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add($"{path}.{key}: must be a string");
            return null;
        }

        var value = node.GetValue<string>();
        if (value.Length < minLength || value.Length > maxLength)
        {
            errors.Add($"{path}.{key}: length must be {minLength}..{maxLength} (is {value.Length})");
        }

        return value;
    }

    private static void OptionalBoolean(JsonObject parent, string key, string path, List<string> errors)
    {
        if (parent[key] is { } node && node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add($"{path}.{key}: must be a boolean");
        }
    }

    private static void OptionalUri(JsonObject parent, string key, string path, List<string> errors, bool required = false)
    {
        var value = required ? RequiredString(parent, key, path, errors) : OptionalString(parent, key, path, errors);
        if (value is not null && !Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            errors.Add($"{path}.{key}: must be an absolute URI");
        }
    }

    /// <summary>The registry refuses version ranges (<c>^1.2.3</c>, <c>~1.2.3</c>, <c>&gt;=1.2.3</c>, <c>1.x</c>, <c>1.*</c>).</summary>
    private static void ExactVersion(string? version, string path, List<string> errors)
    {
        if (version is not null && RangePattern().IsMatch(version))
        {
            errors.Add($"{path}: must be one exact version, not a range");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^\s*[\^~<>=*]|(^|\.)[xX*](\.|$)|\s-\s|\|\|")]
    private static partial Regex RangePattern();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Writes a JSON tree as block-style YAML for the security plugin's files through YamlDotNet's emitter. Every string
/// is double-quoted (the emitter escapes it), so values such as DLS queries and PEM keys need no further care;
/// numbers, booleans and null stay plain so the plugin reads their types.
/// </summary>
internal static class YamlWriter
{
    public static string Write(JsonObject root, string? header = null)
    {
        using var text = new StringWriter { NewLine = "\n" };
        foreach (var line in header?.Split('\n') ?? [])
        {
            text.Write("# " + line + "\n");
        }

        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: false));
        Emit(emitter, root);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    emitter.Emit(new Scalar(key));
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                emitter.Emit(new Scalar(null, null, value.GetValue<string>(), ScalarStyle.DoubleQuoted, isPlainImplicit: false, isQuotedImplicit: true));
                break;
            default:
                emitter.Emit(new Scalar(node?.ToJsonString() ?? "null"));
                break;
        }
    }
}

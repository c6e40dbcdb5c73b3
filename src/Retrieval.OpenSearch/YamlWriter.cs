using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Writes a JSON tree as block-style YAML for the security plugin's files. Every string is double-quoted with JSON
/// escapes (valid YAML), so values such as DLS queries and PEM keys need no further care.
/// </summary>
internal static class YamlWriter
{
    public static string Write(JsonObject root, string? header = null)
    {
        var builder = new StringBuilder();
        if (header is not null)
        {
            foreach (var line in header.Split('\n'))
            {
                builder.Append("# ").Append(line).Append('\n');
            }
        }

        builder.Append("---\n");
        WriteObject(builder, root, 0);
        return builder.ToString();
    }

    private static void WriteObject(StringBuilder builder, JsonObject obj, int indent)
    {
        foreach (var (key, value) in obj)
        {
            builder.Append(' ', indent).Append(key).Append(':');
            WriteValue(builder, value, indent);
        }
    }

    private static void WriteValue(StringBuilder builder, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                builder.Append(" {}\n");
                break;
            case JsonObject child:
                builder.Append('\n');
                WriteObject(builder, child, indent + 2);
                break;
            case JsonArray { Count: 0 }:
                builder.Append(" []\n");
                break;
            case JsonArray array:
                builder.Append('\n');
                foreach (var item in array)
                {
                    builder.Append(' ', indent).Append("- ");
                    if (item is JsonObject itemObject)
                    {
                        var first = true;
                        foreach (var (key, inner) in itemObject)
                        {
                            if (!first)
                            {
                                builder.Append(' ', indent + 2);
                            }

                            first = false;
                            builder.Append(key).Append(':');
                            WriteValue(builder, inner, indent + 2);
                        }
                    }
                    else
                    {
                        builder.Append(Scalar(item)).Append('\n');
                    }
                }

                break;
            default:
                builder.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static readonly JsonSerializerOptions Quoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Scalar(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonSerializer.Serialize(v.GetValue<string>(), Quoting),
        _ => value.ToJsonString(),
    };
}

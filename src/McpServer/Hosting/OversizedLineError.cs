using System.Text.Json;

namespace McpRag.McpServer.Hosting;

/// <summary>The JSON-RPC error a line over the stdio limit is answered with, carrying its request id when the line's start names it.</summary>
internal static class OversizedLineError
{
    /// <summary>How much of an oversized line is kept to find its request id.</summary>
    public const int IdSearchBytes = 4 * 1024;

    /// <summary>The JSON-RPC error for an oversized line; <paramref name="start"/> is the beginning of that line.</summary>
    public static byte[] For(ReadOnlySpan<byte> start, int maxLineBytes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            json.WritePropertyName("id");
            WriteId(json, start);
            json.WriteStartObject("error");
            json.WriteNumber("code", RequestLimitsMiddleware.InvalidRequest);
            json.WriteString("message", $"request line is larger than {maxLineBytes} bytes");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Copies the top-level <c>id</c> of a truncated JSON-RPC message, or writes <c>null</c> when it is not in the part read.</summary>
    private static void WriteId(Utf8JsonWriter json, ReadOnlySpan<byte> start)
    {
        var reader = new Utf8JsonReader(start, isFinalBlock: false, state: default);
        try
        {
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("id"u8);
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (isId && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
                    {
                        json.WriteNumberValue(number);
                        return;
                    }

                    if (isId && reader.TokenType == JsonTokenType.String)
                    {
                        json.WriteStringValue(reader.GetString());
                        return;
                    }

                    if (isId || !reader.TrySkip())
                    {
                        break;
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        json.WriteNullValue();
    }
}

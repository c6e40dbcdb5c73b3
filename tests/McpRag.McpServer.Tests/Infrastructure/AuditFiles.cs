using System.Text.Json;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>Reads audit JSON-lines files while the server may still be appending to them.</summary>
internal static class AuditFiles
{
    /// <summary>Every complete event in the folder; a line still being written (no newline yet) is left for the next read.</summary>
    public static IReadOnlyList<JsonElement> Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var events = new List<JsonElement>();
        foreach (var file in Directory.GetFiles(directory, "audit-*.jsonl"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var text = new StreamReader(stream).ReadToEnd();
            var complete = text[..(text.LastIndexOf('\n') + 1)];
            events.AddRange(complete.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement));
        }

        return events;
    }
}

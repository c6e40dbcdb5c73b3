using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpRag.Benchmarks.Reporting;

/// <summary>
/// Raw results as JSON under <c>bench/.data/results</c>: each verb records what it measured, and <c>report</c>
/// composes <c>docs/benchmarks.md</c> from the latest records, so sections can be re-run one at a time.
/// </summary>
internal sealed class ResultStore(BenchPaths paths)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Append<T>(string section, T record)
    {
        Directory.CreateDirectory(paths.Results);
        File.AppendAllText(Path.Combine(paths.Results, section + ".jsonl"), JsonSerializer.Serialize(record, Json) + "\n");
    }

    public void Save<T>(string section, T record)
    {
        Directory.CreateDirectory(paths.Results);
        File.WriteAllText(Path.Combine(paths.Results, section + ".json"), JsonSerializer.Serialize(record, Json));
    }

    public IReadOnlyList<T> ReadAll<T>(string section)
    {
        var file = Path.Combine(paths.Results, section + ".jsonl");
        return File.Exists(file)
            ? File.ReadLines(file).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<T>(l, Json)!).ToList()
            : [];
    }

    public T? Read<T>(string section)
        where T : class
    {
        var file = Path.Combine(paths.Results, section + ".json");
        return File.Exists(file) ? JsonSerializer.Deserialize<T>(File.ReadAllText(file), Json) : null;
    }
}

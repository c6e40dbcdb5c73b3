using System.Security.Cryptography;
using System.Text.Json;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks.Beir;

/// <summary>
/// A retrieval test collection in BEIR layout: <c>corpus.jsonl</c> (<c>_id</c>, <c>title</c>, <c>text</c>),
/// <c>queries.jsonl</c> (<c>_id</c>, <c>text</c>) and <c>qrels/test.tsv</c> (query id, corpus id, graded score).
/// The corpus is streamed, never loaded whole, so collections of millions of passages fit in memory.
/// </summary>
internal sealed class BeirDataset
{
    private BeirDataset(string folder)
    {
        Folder = Path.GetFullPath(folder);
        Name = Path.GetFileName(Folder.TrimEnd(Path.DirectorySeparatorChar));
    }

    public string Folder { get; }

    public string Name { get; }

    public string CorpusFile => Path.Combine(Folder, "corpus.jsonl");

    public string QueriesFile => Path.Combine(Folder, "queries.jsonl");

    public string QrelsFile => Path.Combine(Folder, "qrels", "test.tsv");

    public static BeirDataset Open(string folder)
    {
        var dataset = new BeirDataset(folder);
        foreach (var file in new[] { dataset.CorpusFile, dataset.QueriesFile, dataset.QrelsFile })
        {
            if (!File.Exists(file))
            {
                throw new BeirFormatException($"{folder} is not a BEIR folder: {Path.GetRelativePath(dataset.Folder, file)} is missing");
            }
        }

        return dataset;
    }

    /// <summary>The corpus documents in file order, one line at a time.</summary>
    public IEnumerable<RetrievalDocument> ReadCorpus() =>
        ReadJsonLines(CorpusFile).Select(line =>
            new RetrievalDocument(line.Id, line.Get("title") ?? string.Empty, line.Get("text") ?? string.Empty));

    public IReadOnlyList<BeirQuery> ReadQueries() =>
        ReadJsonLines(QueriesFile).Select(line => new BeirQuery(line.Id, line.Get("text") ?? string.Empty)).ToList();

    public Qrels ReadQrels() => Qrels.Parse(File.ReadLines(QrelsFile), QrelsFile);

    /// <summary>SHA-256 of the corpus file: the key under which a built index is cached.</summary>
    public string CorpusHash()
    {
        using var stream = File.OpenRead(CorpusFile);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Corpus size in bytes, for progress reporting without a first pass over the file.</summary>
    public long CorpusBytes => new FileInfo(CorpusFile).Length;

    private static IEnumerable<JsonLine> ReadJsonLines(string file)
    {
        var number = 0;
        foreach (var raw in File.ReadLines(file))
        {
            number++;
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            JsonLine line;
            try
            {
                using var json = JsonDocument.Parse(raw);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("_id", out var id))
                {
                    throw new BeirFormatException($"{Path.GetFileName(file)} line {number}: an object with \"_id\" was expected");
                }

                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    fields[property.Name] = property.Value.GetString()!;
                }

                line = new JsonLine(id.ValueKind == JsonValueKind.Number ? id.GetRawText() : id.GetString() ?? string.Empty, fields);
            }
            catch (JsonException)
            {
                throw new BeirFormatException($"{Path.GetFileName(file)} line {number}: not valid JSON");
            }

            if (line.Id.Length == 0)
            {
                throw new BeirFormatException($"{Path.GetFileName(file)} line {number}: \"_id\" is empty");
            }

            yield return line;
        }
    }

    private sealed record JsonLine(string Id, Dictionary<string, string> Fields)
    {
        public string? Get(string name) => Fields.GetValueOrDefault(name);
    }
}

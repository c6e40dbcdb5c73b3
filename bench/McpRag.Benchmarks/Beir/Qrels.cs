using System.Globalization;

namespace McpRag.Benchmarks.Beir;

/// <summary>Relevance judgments: for each query, the graded relevance of each judged document (higher is better).</summary>
internal sealed class Qrels(IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> judgments)
{
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Judgments { get; } = judgments;

    public IReadOnlyDictionary<string, int> For(string queryId) =>
        Judgments.TryGetValue(queryId, out var judged) ? judged : new Dictionary<string, int>();

    public int Pairs => Judgments.Values.Sum(j => j.Count);

    /// <summary>Parses <c>query-id TAB corpus-id TAB score</c> lines; a header line is skipped.</summary>
    public static Qrels Parse(IEnumerable<string> lines, string source)
    {
        var judgments = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (number == 1 && fields[0].Equals("query-id", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (fields.Length < 3 || !int.TryParse(fields[^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var score))
            {
                throw new BeirFormatException($"{Path.GetFileName(source)} line {number}: expected query-id, corpus-id and an integer score separated by tabs");
            }

            if (!judgments.TryGetValue(fields[0], out var judged))
            {
                judgments[fields[0]] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            judged[fields[1]] = score;
        }

        return new Qrels(judgments.ToDictionary(j => j.Key, j => (IReadOnlyDictionary<string, int>)j.Value, StringComparer.Ordinal));
    }
}

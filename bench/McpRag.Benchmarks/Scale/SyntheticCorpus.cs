using System.Text;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks.Scale;

/// <summary>
/// Deterministic synthetic documents of one chunk each (about 130 words), drawn from the word frequencies of the
/// sample knowledge bases, so posting lists have the skew of real English text. Queries are three words drawn
/// from the same distribution, the way short agent queries look.
/// </summary>
internal sealed class SyntheticCorpus
{
    private readonly string[] _words;
    private readonly double[] _cumulative;

    public SyntheticCorpus(IEnumerable<string> texts)
    {
        var counts = texts
            .SelectMany(t => t.Split((char[])[' ', '\n', '\r', '\t', '.', ',', ':', ';', '(', ')', '"', '*', '#', '|', '-'], StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.Length > 1 && w.All(char.IsLetter))
            .GroupBy(w => w.ToLowerInvariant())
            .Select(g => (Word: g.Key, Count: g.Count()))
            .OrderByDescending(x => x.Count)
            .ThenBy(x => x.Word, StringComparer.Ordinal)
            .ToList();
        if (counts.Count == 0)
        {
            throw new InvalidOperationException("the synthetic corpus needs some sample text");
        }

        _words = counts.Select(c => c.Word).ToArray();
        _cumulative = new double[counts.Count];
        var total = 0.0;
        for (var i = 0; i < counts.Count; i++)
        {
            total += counts[i].Count;
            _cumulative[i] = total;
        }
    }

    public IEnumerable<RetrievalDocument> Documents(string prefix, int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder();
            for (var sentence = 0; sentence < 10; sentence++)
            {
                for (var w = 0; w < 13; w++)
                {
                    text.Append(Next(random)).Append(w == 12 ? ". " : " ");
                }
            }

            yield return new RetrievalDocument($"{prefix}{i:D6}", $"{Next(random)} {Next(random)} {Next(random)}", text.ToString().TrimEnd());
        }
    }

    public IReadOnlyList<string> Queries(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => $"{Next(random)} {Next(random)} {Next(random)}").ToList();
    }

    private string Next(Random random)
    {
        var target = random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, target);
        return _words[index < 0 ? ~index : index];
    }
}

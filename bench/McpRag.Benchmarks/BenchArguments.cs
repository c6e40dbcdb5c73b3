using System.Globalization;

namespace McpRag.Benchmarks;

/// <summary>
/// <c>--name value</c> options after a verb. Small on purpose: every option has a default, and an unknown option
/// is an error rather than silently ignored.
/// </summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public BenchArguments(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{name}'");
            }

            if (name is "--quick" or "--via-mcp" or "--no-peer")
            {
                _flags.Add(name);
            }
            else if (e.MoveNext())
            {
                _values[name] = e.Current;
            }
            else
            {
                throw new ArgumentException($"{name} needs a value");
            }
        }
    }

    public string? Get(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _flags.Contains(name);
    }

    public int Int(string name, int fallback) =>
        Get(name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"{name} must be a whole number");

    public double Double(string name, double fallback) =>
        Get(name) is not { } text ? fallback
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ArgumentException($"{name} must be a number");

    public IReadOnlyList<string> List(string name, params string[] fallback) =>
        Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? fallback;

    /// <summary>Fails on any option the verb never asked for.</summary>
    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Concat(_flags).Where(n => !_read.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException("unknown option " + string.Join(", ", unknown));
        }
    }
}

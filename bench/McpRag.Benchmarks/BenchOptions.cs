using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using McpRag.Retrieval.Search;

namespace McpRag.Benchmarks;

/// <summary>Option kinds the verbs share: comma-separated lists (<c>--clients 1,4,16</c>) and search modes.</summary>
internal static class BenchOptions
{
    public static Option<T> Value<T>(string name, T fallback, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };

    public static Option<int[]> IntList(string name, int[] fallback, string description) =>
        new(name) { Description = description + " (comma-separated)", DefaultValueFactory = _ => fallback, CustomParser = r => Parse<int>(r, ParseInt) };

    public static Option<string[]> PathList(string name, Func<string[]> fallback, string description) =>
        new(name) { Description = description + " (comma-separated)", DefaultValueFactory = _ => fallback(), CustomParser = r => Parse<string>(r, (string text, out string value) => (value = text).Length > 0) };

    public static Option<SearchMode[]> Modes() =>
        new("--modes") { Description = "keyword, semantic and/or hybrid (comma-separated)", DefaultValueFactory = _ => [SearchMode.Keyword, SearchMode.Semantic, SearchMode.Hybrid], CustomParser = r => Parse<SearchMode>(r, ParseMode) };

    private delegate bool TryParse<T>(string text, out T value);

    private static T[] Parse<T>(ArgumentResult result, TryParse<T> parse)
    {
        var items = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        var values = new T[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            if (!parse(items[i], out values[i]))
            {
                result.AddError($"{((OptionResult)result.Parent!).Option.Name}: '{items[i]}' is not a valid value");
                return [];
            }
        }

        return values;
    }

    private static bool ParseInt(string text, out int value) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static bool ParseMode(string text, out SearchMode mode) => Enum.TryParse(text, ignoreCase: true, out mode) && Enum.IsDefined(mode) && !int.TryParse(text, out _);
}

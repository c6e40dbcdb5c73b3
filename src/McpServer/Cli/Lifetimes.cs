using System.Globalization;
using McpRag.McpServer.Hosting;

namespace McpRag.McpServer.Cli;

/// <summary>Parses token lifetimes such as <c>90s</c>, <c>30m</c>, <c>1h</c>, <c>7d</c>.</summary>
internal static class Lifetimes
{
    public static TimeSpan Parse(string text, TimeSpan max)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        var ok = double.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value);
        TimeSpan? lifetime = !ok ? null : unit switch
        {
            's' => TimeSpan.FromSeconds(value),
            'm' => TimeSpan.FromMinutes(value),
            'h' => TimeSpan.FromHours(value),
            'd' => TimeSpan.FromDays(value),
            _ => null,
        };
        return lifetime is { } l && l > TimeSpan.Zero && l <= max
            ? l
            : throw new CommandLineException($"--ttl '{text}' is not a duration between 1s and {max.TotalDays:0}d (e.g. 90s, 30m, 1h, 7d)");
    }
}

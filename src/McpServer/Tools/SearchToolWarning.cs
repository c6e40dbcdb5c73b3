using System.ComponentModel;
using System.Text.Json.Serialization;

namespace McpRag.McpServer.Tools;

/// <summary>A source whose results are missing from a <c>search</c> page: the other sources' results are still given.</summary>
internal sealed record SearchToolWarning(
    [property: JsonPropertyName("source"), Description("The source's name, as result ids start with it.")] string Source,
    [property: JsonPropertyName("reason"), Description("Why its results are missing, in one line.")] string Reason);

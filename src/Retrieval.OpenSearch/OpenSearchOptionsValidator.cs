using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>
/// Start-up check of <c>McpRag:OpenSearch</c>, generated from the attributes and rules on <see cref="OpenSearchOptions"/> (no reflection
/// at run time); each failure is the one-line reason that names the setting.
/// </summary>
[OptionsValidator]
public sealed partial class OpenSearchOptionsValidator : IValidateOptions<OpenSearchOptions>
{
}

using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.Local;

/// <summary>
/// Start-up check of <c>McpRag:Local</c>, generated from the attributes and rules on <see cref="LocalBackendOptions"/> (no reflection
/// at run time); each failure is the one-line reason that names the setting.
/// </summary>
[OptionsValidator]
public sealed partial class LocalBackendOptionsValidator : IValidateOptions<LocalBackendOptions>
{
}

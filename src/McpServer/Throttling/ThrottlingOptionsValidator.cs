using Microsoft.Extensions.Options;

namespace McpRag.McpServer.Throttling;

/// <summary>
/// Start-up check of <c>McpRag:Throttling</c>, generated from the attributes and rules on <see cref="ThrottlingOptions"/> (no reflection
/// at run time); each failure is the one-line reason that names the setting.
/// </summary>
[OptionsValidator]
internal sealed partial class ThrottlingOptionsValidator : IValidateOptions<ThrottlingOptions>
{
}

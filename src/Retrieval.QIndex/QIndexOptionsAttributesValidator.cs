using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Start-up check of <c>McpRag:QIndex</c>, generated from the attributes and rules on <see cref="QIndexOptions"/> (no reflection
/// at run time); each failure is the one-line reason that names the setting. <see cref="QIndexOptionsValidator"/> runs it first and adds the check that needs the server's credentials.
/// </summary>
[OptionsValidator]
public sealed partial class QIndexOptionsAttributesValidator : IValidateOptions<QIndexOptions>
{
}

using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>Refuses bad <c>McpRag:QIndex</c> settings at start-up with the one-line reason of <see cref="QIndexOptions.Validate"/>.</summary>
public sealed class QIndexOptionsValidator : IValidateOptions<QIndexOptions>
{
    public ValidateOptionsResult Validate(string? name, QIndexOptions options) =>
        QIndexOptions.Validate(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
}

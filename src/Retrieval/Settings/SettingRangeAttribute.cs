using System.ComponentModel.DataAnnotations;

namespace McpRag.Retrieval.Settings;

/// <summary>
/// <see cref="RangeAttribute"/> whose failure is exactly its <see cref="ValidationAttribute.ErrorMessage"/>, with no
/// member-name prefix: the reason already names the configuration key (<c>McpRag:Local:RrfK must be …</c>), and the
/// server prints start-up failures as one line.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingRangeAttribute : RangeAttribute
{
    public SettingRangeAttribute(int minimum, int maximum)
        : base(minimum, maximum)
    {
    }

    public SettingRangeAttribute(double minimum, double maximum)
        : base(minimum, maximum)
    {
    }

    /// <summary>A range of another type (<see cref="TimeSpan"/>), its limits written in invariant culture.</summary>
    public SettingRangeAttribute(Type type, string minimum, string maximum)
        : base(type, minimum, maximum)
    {
        ParseLimitsInInvariantCulture = true;
        ConvertValueInInvariantCulture = true;
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        IsValid(value) ? ValidationResult.Success : new ValidationResult(ErrorMessage);
}

using System.ComponentModel.DataAnnotations;

namespace McpRag.Retrieval.Settings;

/// <summary>
/// <see cref="RequiredAttribute"/> (not null, not empty, not only white space) whose failure is exactly its
/// <see cref="ValidationAttribute.ErrorMessage"/>, like <see cref="SettingRangeAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingRequiredAttribute : RequiredAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        IsValid(value) ? ValidationResult.Success : new ValidationResult(ErrorMessage);
}

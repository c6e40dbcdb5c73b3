using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tenancy;

/// <summary>
/// Start-up check of <c>McpRag:Tenants:DynamoDb</c>, generated from the attributes and rules on <see cref="DynamoDbTenantDirectoryOptions"/> (no reflection
/// at run time); each failure is the one-line reason that names the setting.
/// </summary>
[OptionsValidator]
public sealed partial class DynamoDbTenantDirectoryOptionsValidator : IValidateOptions<DynamoDbTenantDirectoryOptions>
{
}

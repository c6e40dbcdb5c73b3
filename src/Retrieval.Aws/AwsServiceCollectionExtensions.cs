using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval;

/// <summary>Registration of the DynamoDB routing-table source, kept beside the AWS plumbing it needs.</summary>
public static class AwsServiceCollectionExtensions
{
    /// <summary>
    /// Lets <c>McpRag:Tenants:Source = dynamodb</c> switch the routing table to <see cref="DynamoDbTenantDirectory"/>
    /// (item shapes of the original design); the file-backed table stays the default.
    /// </summary>
    public static IServiceCollection AddDynamoDbTenantDirectory(this IServiceCollection services)
    {
        services.AddOptions<DynamoDbTenantDirectoryOptions>().BindConfiguration(DynamoDbTenantDirectoryOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbTenantDirectoryOptions>, DynamoDbTenantDirectoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        services.AddSingleton<DynamoDbTenantDirectory>();
        services.Replace(ServiceDescriptor.Singleton<ITenantDirectory>(sp =>
        {
            var source = sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()[DynamoDbTenantDirectoryOptions.SourceKey] ?? "file";
            return source.ToLowerInvariant() switch
            {
                "file" => sp.GetRequiredService<FileTenantDirectory>(),
                "dynamodb" when !string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<DynamoDbTenantDirectoryOptions>>().Value.TableName) => sp.GetRequiredService<DynamoDbTenantDirectory>(),
                "dynamodb" => throw new OptionsValidationException(DynamoDbTenantDirectoryOptions.Section, typeof(DynamoDbTenantDirectoryOptions), ["McpRag:Tenants:DynamoDb:TableName is required when McpRag:Tenants:Source is dynamodb"]),
                _ => throw new OptionsValidationException(DynamoDbTenantDirectoryOptions.SourceKey, typeof(DynamoDbTenantDirectoryOptions), ["McpRag:Tenants:Source must be file or dynamodb"]),
            };
        }));
        return services;
    }
}

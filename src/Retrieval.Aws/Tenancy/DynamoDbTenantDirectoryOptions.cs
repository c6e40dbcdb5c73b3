using McpRag.Retrieval.Settings;

namespace McpRag.Retrieval.Tenancy;

/// <summary>Settings of the DynamoDB routing table (<c>McpRag:Tenants:DynamoDb</c>), used when <c>McpRag:Tenants:Source</c> is <c>dynamodb</c>.</summary>
public sealed class DynamoDbTenantDirectoryOptions
{
    public const string Section = "McpRag:Tenants:DynamoDb";

    /// <summary><c>McpRag:Tenants:Source</c>: <c>file</c> (default) or <c>dynamodb</c>.</summary>
    public const string SourceKey = "McpRag:Tenants:Source";

    public string TableName { get; set; } = string.Empty;

    [SettingRequired(ErrorMessage = "McpRag:Tenants:DynamoDb:Region must not be empty")]
    public string Region { get; set; } = "us-east-1";

    /// <summary>Endpoint override (DynamoDB Local, a VPC endpoint); by default the region's endpoint.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>How long a route (or the absence of one) is cached before the table is read again.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "McpRag:Tenants:DynamoDb:CacheTtl must be between 00:00:00 and 01:00:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(1);
}

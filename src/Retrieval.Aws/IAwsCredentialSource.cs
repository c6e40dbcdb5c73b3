using Amazon.Runtime;

namespace McpRag.Retrieval.Aws;

/// <summary>
/// Where the server's own AWS credentials come from. The default follows the SDK's credential chain (environment,
/// profile, container or instance role); tests supply fixed credentials so signatures can be checked offline.
/// </summary>
public interface IAwsCredentialSource
{
    AWSCredentials GetCredentials();
}

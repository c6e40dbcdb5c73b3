using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace McpRag.Retrieval.Aws;

/// <summary>The SDK's default credential chain, resolved once on first use (the SDK refreshes temporary credentials itself).</summary>
public sealed class DefaultAwsCredentialSource : IAwsCredentialSource
{
    private readonly Lazy<AWSCredentials> _credentials = new(() => DefaultAWSCredentialsIdentityResolver.GetCredentials(), LazyThreadSafetyMode.ExecutionAndPublication);

    public AWSCredentials GetCredentials() => _credentials.Value;
}

using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace McpRag.Retrieval.Aws;

/// <summary>
/// Signs Amazon Q Business REST requests with SigV4 (signing name <c>qbusiness</c>) through AWSSDK.Core's public
/// signer: the service has no SDK package here, so the hand-written client signs each attempt itself, with the
/// credentials of the caller it acts for and the clock it is given (so tests can pin the signing time).
/// </summary>
public sealed class QBusinessRequestSigner(TimeProvider time)
{
    public const string SigningName = "qbusiness";

    /// <summary>Adds <c>Authorization</c>, <c>X-Amz-Date</c>, the payload hash and, for session credentials, <c>X-Amz-Security-Token</c>.</summary>
    public void Sign(HttpRequestMessage request, byte[] body, ImmutableCredentials credentials, string region)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var signing = new AWSSigningRequest
        {
            HttpMethod = request.Method,
            RequestUri = request.RequestUri,
            Content = body,
        };
        signing.Headers["Content-Type"] = "application/json";

        AWSCredentials awsCredentials = credentials.UseToken
            ? new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token)
            : new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey);
        var result = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = awsCredentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = SigningName,
            SignPayload = true,
            SignedAt = time.GetUtcNow().UtcDateTime,
        });

        foreach (var (name, value) in result.Headers)
        {
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}

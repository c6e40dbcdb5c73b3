using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace McpRag.Retrieval.Aws;

/// <summary>
/// Signs a hand-built <see cref="HttpRequestMessage"/> with AWS Signature V4 through AWSSDK.Core's public signer, so
/// the REST clients for OpenSearch, Bedrock and Q Business need no service SDK. The signature covers the body's
/// SHA-256 (<c>x-amz-content-sha256</c>, which OpenSearch Serverless requires) and the time of the clock it is given,
/// so tests can pin the signing time. <see cref="AwsSigningHandler"/> calls it once per attempt.
/// </summary>
public sealed class AwsRequestSigner(TimeProvider time)
{
    /// <summary>Adds <c>Authorization</c>, <c>X-Amz-Date</c>, the payload hash and, for session credentials, <c>X-Amz-Security-Token</c>.</summary>
    public async Task SignAsync(HttpRequestMessage request, AwsSigningScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var signingRequest = new AWSSigningRequest
        {
            HttpMethod = request.Method,
            RequestUri = request.RequestUri,
            Content = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken),
        };
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            signingRequest.Headers["Content-Type"] = contentType.ToString();
        }

        var result = await AWSSigV4Signer.SignAsync(signingRequest, new AWSSigV4Parameters
        {
            Credentials = scope.Credentials,
            Region = RegionEndpoint.GetBySystemName(scope.Region),
            Service = scope.Service,
            SignPayload = true,
            SignedAt = time.GetUtcNow().UtcDateTime,
        }, cancellationToken);

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

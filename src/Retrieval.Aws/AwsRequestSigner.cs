using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace McpRag.Retrieval.Aws;

/// <summary>
/// Signs a hand-built <see cref="HttpRequestMessage"/> with AWS Signature V4 through AWSSDK.Core's public signer, so
/// the REST clients for OpenSearch and Bedrock need no service SDK. The body is passed in as bytes because the
/// signature covers its SHA-256 (<c>x-amz-content-sha256</c>, which OpenSearch Serverless requires).
/// </summary>
public static class AwsRequestSigner
{
    public static async Task SignAsync(HttpRequestMessage request, byte[]? body, AWSCredentials credentials, string region, string service, CancellationToken cancellationToken)
    {
        var signingRequest = new AWSSigningRequest
        {
            HttpMethod = request.Method,
            RequestUri = request.RequestUri!,
            Content = body ?? [],
        };
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            signingRequest.Headers["Content-Type"] = contentType.ToString();
        }

        var parameters = new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
        };
        var result = await AWSSigV4Signer.SignAsync(signingRequest, parameters, cancellationToken);
        foreach (var (name, value) in result.Headers)
        {
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}

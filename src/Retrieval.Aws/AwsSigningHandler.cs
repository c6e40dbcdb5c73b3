namespace McpRag.Retrieval.Aws;

/// <summary>
/// Signs each request that carries an <see cref="AwsSigningScope"/> as it leaves, below the resilience handler, so
/// every attempt (the first and each retry) is signed with the current time; requests without a scope (bearer or
/// basic credentials) pass unchanged.
/// </summary>
public sealed class AwsSigningHandler(AwsRequestSigner signer) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (AwsSigningScope.Of(request) is { } scope)
        {
            await signer.SignAsync(request, scope, cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

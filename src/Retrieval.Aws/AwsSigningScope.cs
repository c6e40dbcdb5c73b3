using Amazon.Runtime;

namespace McpRag.Retrieval.Aws;

/// <summary>
/// Whose credentials sign a request, for which region and signing name. A client attaches it to the request
/// (<see cref="Set"/>) instead of signing itself, so the signature is made by <see cref="AwsSigningHandler"/> on every
/// attempt the resilience handler sends: a retry carries a fresh date and signature, never a replayed one.
/// </summary>
public sealed record AwsSigningScope(AWSCredentials Credentials, string Region, string Service)
{
    private static readonly HttpRequestOptionsKey<AwsSigningScope> Key = new("McpRag.AwsSigningScope");

    /// <summary>Session or long-term credentials as STS hands them out, per caller.</summary>
    public static AwsSigningScope For(ImmutableCredentials credentials, string region, string service) => new(
        credentials.UseToken
            ? new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token)
            : new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey),
        region,
        service);

    /// <summary>Marks <paramref name="request"/> to be signed with this scope when it is sent.</summary>
    public void Set(HttpRequestMessage request) => request.Options.Set(Key, this);

    public static AwsSigningScope? Of(HttpRequestMessage request) => request.Options.TryGetValue(Key, out var scope) ? scope : null;
}

using System.Net.Http.Headers;
using System.Text;
using McpRag.Retrieval.Aws;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Backends.OpenSearch;

/// <summary>Picks the downstream credential a route's <c>auth</c> names, for one principal's call.</summary>
public sealed class OpenSearchAuthorizers(DownstreamTokenIssuer tokens, IAwsCredentialSource awsCredentials)
{
    public OpenSearchTarget TargetFor(OpenSearchRoute route, TenantPrincipal principal) => new(route.Endpoint, route.Auth switch
    {
        OpenSearchAuthMode.JwtExchange => new Bearer(tokens.Issue(principal, route.Audience)),
        OpenSearchAuthMode.SigV4 => new SigV4(awsCredentials, route.Region!, route.SigningService),
        OpenSearchAuthMode.Basic => Basic.FromEnvironment(route.UsernameVariable!, route.PasswordVariable!),
        _ => new Bearer(principal.AccessToken
            ?? throw new RetrievalException(RetrievalErrorCode.Unauthenticated, "this tenant's backend needs the caller's own token, and none came with this call")),
    });

    /// <summary>Basic credentials read from the named environment variables (for operator commands such as provisioning).</summary>
    public static IOpenSearchAuthorizer BasicFromEnvironment(string userVariable, string passwordVariable) => Basic.FromEnvironment(userVariable, passwordVariable);

    private sealed class Bearer(string token) : IOpenSearchAuthorizer
    {
        public void Authorize(HttpRequestMessage request) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Names the signing scope; <see cref="AwsSigningHandler"/> signs each attempt as it is sent.</summary>
    private sealed class SigV4(IAwsCredentialSource credentials, string region, string service) : IOpenSearchAuthorizer
    {
        public void Authorize(HttpRequestMessage request) => new AwsSigningScope(credentials.GetCredentials(), region, service).Set(request);
    }

    private sealed class Basic(string credentials) : IOpenSearchAuthorizer
    {
        public static Basic FromEnvironment(string userVariable, string passwordVariable)
        {
            var user = Environment.GetEnvironmentVariable(userVariable);
            var password = Environment.GetEnvironmentVariable(passwordVariable);
            if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password))
            {
                throw new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the search backend's credentials are not configured on this server");
            }

            return new Basic(Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        }

        public void Authorize(HttpRequestMessage request) => request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
    }
}

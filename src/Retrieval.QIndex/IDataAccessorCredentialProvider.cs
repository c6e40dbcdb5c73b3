using Amazon.Runtime;
using McpRag.Retrieval.Tenancy;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Gives the identity-aware AWS credentials that let the ISV's data-accessor role search a customer's Q index as
/// one particular user, so Amazon Q enforces that user's document permissions. Failures are
/// <see cref="Search.RetrievalException"/>s that are safe to show the caller.
/// </summary>
public interface IDataAccessorCredentialProvider
{
    Task<ImmutableCredentials> GetCredentialsAsync(QIndexRoute route, TenantPrincipal principal, CancellationToken cancellationToken);
}

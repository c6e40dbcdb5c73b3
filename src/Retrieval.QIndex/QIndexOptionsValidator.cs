using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// Refuses bad <c>McpRag:QIndex</c> settings at start-up with the one-line reasons of the attributes on
/// <see cref="QIndexOptions"/> (checked by the generated <see cref="QIndexOptionsAttributesValidator"/>), and a <see cref="QIndexOptions.SessionDuration"/> over one hour when the server's own AWS credentials are role
/// credentials: AssumeRole from a role session is role chaining, which STS caps at one hour, so every call would fail.
/// </summary>
/// <remarks>
/// The server's credentials are only resolved when the duration is over an hour, so a default start-up never touches
/// the credential chain. Credentials with a session token count as role credentials (instance, container, SSO or
/// assumed-role sessions are how temporary credentials reach a server).
/// </remarks>
public sealed class QIndexOptionsValidator(IServiceProvider services) : IValidateOptions<QIndexOptions>
{
    public static readonly TimeSpan RoleChainingLimit = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, QIndexOptions options)
    {
        var attributes = new QIndexOptionsAttributesValidator().Validate(name, options);
        if (attributes.Failed)
        {
            return attributes;
        }

        return options.SessionDuration > RoleChainingLimit && ServerUsesRoleCredentials()
            ? ValidateOptionsResult.Fail($"{QIndexOptions.Section}:SessionDuration must be at most 01:00:00: the server's own AWS credentials are role credentials, and STS caps AssumeRole from a role session (role chaining) at one hour")
            : ValidateOptionsResult.Success;
    }

    private bool ServerUsesRoleCredentials()
    {
        try
        {
            var credentials = services.GetService<AWSCredentials>() ?? DefaultAWSCredentialsIdentityResolver.GetCredentials();
            return !string.IsNullOrEmpty(credentials.GetCredentials().Token);
        }
        catch (AmazonClientException)
        {
            // No credentials at all: nothing to chain from; the first Q index call reports the missing credentials.
            return false;
        }
    }
}

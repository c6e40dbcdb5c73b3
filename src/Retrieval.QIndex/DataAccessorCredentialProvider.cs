using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SSOOIDC;
using Amazon.SSOOIDC.Model;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// The data-accessor credential chain of the trusted-token-issuer variant, per caller:
/// STS <c>AssumeRole</c> on the ISV role tagged with the tenant's external id; IAM Identity Center
/// <c>CreateTokenWithIAM</c> exchanging the caller's JWT (jwt-bearer grant) for an ID token; STS <c>AssumeRole</c>
/// again with that token's identity context as a provided context. The caller's token is exchanged, never
/// forwarded to Q Business. The tenant-level role session is shared by the tenant's callers; identity-aware
/// credentials are cached per tenant and subject until shortly before they expire, never shared between subjects
/// and never logged.
/// </summary>
public sealed class DataAccessorCredentialProvider : IDataAccessorCredentialProvider, IDisposable
{
    public const string ExternalIdTagKey = "qbusiness-dataaccessor:ExternalId";
    public const string IdentityCenterContextProvider = "arn:aws:iam::aws:contextProvider/IdentityCenter";
    public const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private readonly QIndexOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DataAccessorCredentialProvider> _logger;
    private readonly AWSCredentials? _isvCredentials;
    private readonly BoundedCache<CallerKey, ImmutableCredentials> _callers;
    private readonly BoundedCache<RoleKey, ImmutableCredentials> _roleSessions;
    private readonly ConcurrentDictionary<string, AmazonSecurityTokenServiceClient> _stsClients = new(StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="isvCredentials"/> are the ISV's own credentials; <c>null</c> uses the AWS SDK's default chain
    /// (environment, profile, instance role).
    /// </summary>
    public DataAccessorCredentialProvider(IOptions<QIndexOptions> options, TimeProvider time, ILogger<DataAccessorCredentialProvider> logger, AWSCredentials? isvCredentials = null)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _isvCredentials = isvCredentials;
        _callers = new BoundedCache<CallerKey, ImmutableCredentials>(_options.CredentialCacheSize, time);
        _roleSessions = new BoundedCache<RoleKey, ImmutableCredentials>(Math.Min(_options.CredentialCacheSize, 10_000), time);
    }

    public async Task<ImmutableCredentials> GetCredentialsAsync(QIndexRoute route, TenantPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.TenantId != route.TenantId)
        {
            throw new RetrievalException(RetrievalErrorCode.Forbidden, "the caller's tenant does not match the route");
        }

        var token = principal.AccessToken
            ?? throw new RetrievalException(RetrievalErrorCode.Unauthenticated, "this tenant's backend needs the caller's own token");
        var key = new CallerKey(route.TenantId, principal.Subject, route.Region, route.DataAccessorRoleArn, route.IdcApplicationArn, route.ExternalId);

        // One exchange per caller at a time: concurrent calls of the same subject wait for the same result.
        return await _callers.GetOrAddAsync(key, k => CreateAsync(route, k, token), cancellationToken);
    }

    private async Task<(ImmutableCredentials, DateTimeOffset)> CreateAsync(QIndexRoute route, CallerKey key, string callerToken)
    {
        var roleSession = await RoleSessionAsync(route);
        var identityContext = await ExchangeAsync(route, roleSession, callerToken);
        var response = await CallStsAsync(route, "AssumeRole with identity context", new AssumeRoleRequest
        {
            RoleArn = route.DataAccessorRoleArn,
            RoleSessionName = SessionName(key.Subject),
            DurationSeconds = (int)_options.SessionDuration.TotalSeconds,
            Tags = [new Tag { Key = ExternalIdTagKey, Value = route.ExternalId }],
            ProvidedContexts = [new ProvidedContext { ProviderArn = IdentityCenterContextProvider, ContextAssertion = identityContext }],
        });
        return (ToImmutable(response.Credentials), RefreshAt(response.Credentials));
    }

    /// <summary>Step 1: the ISV role session for the tenant, tagged with its external id; the same for all of the tenant's callers.</summary>
    private async Task<ImmutableCredentials> RoleSessionAsync(QIndexRoute route)
    {
        var key = new RoleKey(route.Region, route.DataAccessorRoleArn, route.ExternalId);
        if (_roleSessions.TryGet(key, out var cached))
        {
            return cached;
        }

        var response = await CallStsAsync(route, "AssumeRole", new AssumeRoleRequest
        {
            RoleArn = route.DataAccessorRoleArn,
            RoleSessionName = SessionName("tenant:" + route.TenantId),
            DurationSeconds = (int)_options.SessionDuration.TotalSeconds,
            Tags = [new Tag { Key = ExternalIdTagKey, Value = route.ExternalId }],
        });
        var credentials = ToImmutable(response.Credentials);
        _roleSessions.Set(key, credentials, RefreshAt(response.Credentials));
        return credentials;
    }

    /// <summary>Step 2: exchanges the caller's JWT at IAM Identity Center for an ID token carrying the identity context.</summary>
    private async Task<string> ExchangeAsync(QIndexRoute route, ImmutableCredentials roleSession, string callerToken)
    {
        var config = new AmazonSSOOIDCConfig { Timeout = _options.RequestTimeout, MaxErrorRetry = _options.MaxAttempts - 1 };
        Point(config, _options.SsoOidcServiceUrl, route.IdcRegion);
        using var client = new AmazonSSOOIDCClient(new SessionAWSCredentials(roleSession.AccessKey, roleSession.SecretKey, roleSession.Token), config);
        CreateTokenWithIAMResponse response;
        try
        {
            response = await client.CreateTokenWithIAMAsync(new CreateTokenWithIAMRequest
            {
                ClientId = route.IdcApplicationArn,
                GrantType = JwtBearerGrant,
                Assertion = callerToken,
            });
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or TaskCanceledException)
        {
            throw MapExchangeError(route, ex);
        }

        var context = IdentityContext.From(response.AwsAdditionalDetails?.IdentityContext, response.IdToken);
        if (context is null)
        {
            _logger.LogWarning(
                "qindex tenant {Tenant}: IAM Identity Center returned no identity context; the data accessor's application must allow the '{Scope}' scope",
                route.TenantId, IdentityContext.Claim);
            throw new RetrievalException(RetrievalErrorCode.Forbidden, "the tenant's identity provider gave no identity for this caller");
        }

        return context;
    }

    private async Task<AssumeRoleResponse> CallStsAsync(QIndexRoute route, string step, AssumeRoleRequest request)
    {
        try
        {
            var response = await Sts(route.Region).AssumeRoleAsync(request);
            return response.Credentials is null
                ? throw new AmazonClientException("STS returned no credentials")
                : response;
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or TaskCanceledException)
        {
            throw MapStsError(route, step, ex);
        }
    }

    private AmazonSecurityTokenServiceClient Sts(string region) => _stsClients.GetOrAdd(region, r =>
    {
        var config = new AmazonSecurityTokenServiceConfig { Timeout = _options.RequestTimeout, MaxErrorRetry = _options.MaxAttempts - 1 };
        Point(config, _options.StsServiceUrl, r);
        return _isvCredentials is null ? new AmazonSecurityTokenServiceClient(config) : new AmazonSecurityTokenServiceClient(_isvCredentials, config);
    });

    private static void Point(ClientConfig config, string? serviceUrl, string region)
    {
        if (serviceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            return;
        }

        config.ServiceURL = serviceUrl;
        config.AuthenticationRegion = region;
        config.DisableHostPrefixInjection = true;
    }

    private RetrievalException MapStsError(QIndexRoute route, string step, Exception ex)
    {
        var code = (ex as AmazonServiceException)?.ErrorCode;
        switch (code)
        {
            case "AccessDenied" or "AccessDeniedException":
                _logger.LogWarning(
                    "qindex tenant {Tenant}: STS {Step} on the data-accessor role was denied; the role's trust policy must allow sts:AssumeRole, sts:TagSession and sts:SetContext for this server's identity, and the customer's data accessor must name the role: {Reason}",
                    route.TenantId, step, ex.Message);
                return new RetrievalException(RetrievalErrorCode.Forbidden, "the tenant's Amazon Q index refused access for this caller");
            case "Throttling" or "ThrottlingException" or "RequestLimitExceeded":
                _logger.LogWarning("qindex tenant {Tenant}: STS {Step} throttled", route.TenantId, step);
                return new RetrievalException(RetrievalErrorCode.Throttled, "the tenant's backend is busy; try again shortly") { RetryAfter = TimeSpan.FromSeconds(2) };
            default:
                _logger.LogError("qindex tenant {Tenant}: STS {Step} failed ({Code}): {Reason}", route.TenantId, step, code ?? ex.GetType().Name, ex.Message);
                return new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's backend is not available right now");
        }
    }

    private RetrievalException MapExchangeError(QIndexRoute route, Exception ex)
    {
        switch (ex)
        {
            case InvalidGrantException or Amazon.SSOOIDC.Model.ExpiredTokenException:
                _logger.LogInformation(
                    "qindex tenant {Tenant}: IAM Identity Center did not accept the caller's token ({Code}); if valid tokens are refused, check the trusted token issuer (issuer URL, audience, attribute mapping)",
                    route.TenantId, ((AmazonServiceException)ex).ErrorCode);
                return new RetrievalException(RetrievalErrorCode.Unauthenticated, "the caller's token was not accepted by the tenant's identity provider");
            case Amazon.SSOOIDC.Model.AccessDeniedException or InvalidClientException or UnauthorizedClientException or InvalidScopeException
                or UnsupportedGrantTypeException or InvalidRequestRegionException:
                _logger.LogWarning(
                    "qindex tenant {Tenant}: IAM Identity Center refused the token exchange ({Code}); check the data accessor's IdC application ARN and region, its trusted token issuer grant, and the user's application assignment: {Reason}",
                    route.TenantId, ((AmazonServiceException)ex).ErrorCode, ex.Message);
                return new RetrievalException(RetrievalErrorCode.Forbidden, "the tenant's Amazon Q index refused access for this caller");
            case SlowDownException:
                return new RetrievalException(RetrievalErrorCode.Throttled, "the tenant's backend is busy; try again shortly") { RetryAfter = TimeSpan.FromSeconds(2) };
            default:
                _logger.LogError("qindex tenant {Tenant}: IAM Identity Center token exchange failed ({Code}): {Reason}",
                    route.TenantId, (ex as AmazonServiceException)?.ErrorCode ?? ex.GetType().Name, ex.Message);
                return new RetrievalException(RetrievalErrorCode.BackendUnavailable, "the tenant's backend is not available right now");
        }
    }

    private DateTimeOffset RefreshAt(Credentials credentials) =>
        credentials.Expiration is { } expiration
            ? new DateTimeOffset(expiration.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(expiration, DateTimeKind.Utc) : expiration.ToUniversalTime()) - _options.RefreshBeforeExpiry
            : _time.GetUtcNow();

    private static ImmutableCredentials ToImmutable(Credentials credentials) =>
        new(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken);

    /// <summary>Role session names show in the customer's CloudTrail: a stable hash, never the raw subject.</summary>
    private static string SessionName(string subject) =>
        "mcprag-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..24];

    public void Dispose()
    {
        foreach (var client in _stsClients.Values)
        {
            client.Dispose();
        }
    }

    private sealed record CallerKey(string TenantId, string Subject, string Region, string RoleArn, string IdcApplicationArn, string ExternalId);

    private sealed record RoleKey(string Region, string RoleArn, string ExternalId);
}

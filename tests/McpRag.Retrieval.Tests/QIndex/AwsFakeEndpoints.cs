using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// STS, IAM Identity Center OIDC and Q Business on one loopback Kestrel server (port 0). Each request is recorded in
/// arrival order and dispatched by its SigV4 signing name; the default answers follow the services' wire formats
/// (awsQuery XML for STS, restJson1 for the others) and every handler can be replaced by a test.
/// </summary>
internal sealed class AwsFakeEndpoints : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<IssuedCredentials> _issued = new();
    private int _issuedCount;

    private AwsFakeEndpoints(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
        Sts = DefaultSts;
        SsoOidc = DefaultSsoOidc;
        QBusiness = _ => FakeResponse.Json("""{"relevantContent":[]}""");
    }

    public string Url { get; private set; } = string.Empty;

    public Func<RecordedRequest, FakeResponse> Sts { get; set; }

    public Func<RecordedRequest, FakeResponse> SsoOidc { get; set; }

    public Func<RecordedRequest, FakeResponse> QBusiness { get; set; }

    /// <summary>Lifetime of the credentials the default STS hands out.</summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether the default IdC answer carries the identity context in <c>awsAdditionalDetails</c> rather than only in the ID token.</summary>
    public bool IdentityContextInAdditionalDetails { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public IReadOnlyList<IssuedCredentials> Issued => _issued.ToArray();

    public static async Task<AwsFakeEndpoints> StartAsync(TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fakes = new AwsFakeEndpoints(app, time);
        app.Run(fakes.HandleAsync);
        await app.StartAsync();
        fakes.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return fakes;
    }

    /// <summary>The identity context the default IdC answer gives a caller token: derived from its <c>sub</c>.</summary>
    public static string IdentityContextFor(string subject) => "ic-" + Convert.ToBase64String(Encoding.UTF8.GetBytes(subject));

    public void ClearRequests() => _requests.Clear();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? string.Empty, headers, body);
        _requests.Enqueue(request);

        var response = request.Service switch
        {
            "sts" => Sts(request),
            "sso-oauth" => SsoOidc(request),
            "qbusiness" => QBusiness(request),
            _ => FakeResponse.Json("""{"message":"unsigned request"}""", 403),
        };
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(response.Body);
    }

    private FakeResponse DefaultSts(RecordedRequest request)
    {
        var n = Interlocked.Increment(ref _issuedCount);
        var issued = new IssuedCredentials(
            $"ASIAFAKE{n:D12}",
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            _time.GetUtcNow() + CredentialLifetime);
        _issued.Enqueue(issued);
        var expiration = issued.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new FakeResponse(200, "text/xml", $"""
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <Credentials>
                  <AccessKeyId>{issued.AccessKeyId}</AccessKeyId>
                  <SecretAccessKey>{issued.SecretAccessKey}</SecretAccessKey>
                  <SessionToken>{issued.SessionToken}</SessionToken>
                  <Expiration>{expiration}</Expiration>
                </Credentials>
                <AssumedRoleUser>
                  <AssumedRoleId>AROAFAKE:{request.Form.GetValueOrDefault("RoleSessionName")}</AssumedRoleId>
                  <Arn>{request.Form.GetValueOrDefault("RoleArn")}</Arn>
                </AssumedRoleUser>
                <PackedPolicySize>6</PackedPolicySize>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """);
    }

    public FakeResponse DefaultSsoOidc(RecordedRequest request)
    {
        var assertion = request.Json.GetProperty("assertion").GetString()!;
        var subject = JsonDocument.Parse(Base64Url.DecodeFromChars(assertion.Split('.')[1])).RootElement.GetProperty("sub").GetString()!;
        var context = IdentityContextFor(subject);
        var idTokenClaims = IdentityContextInAdditionalDetails
            ? new Dictionary<string, object> { ["sub"] = "idc-" + subject }
            : new Dictionary<string, object> { ["sub"] = "idc-" + subject, ["sts:identity_context"] = context };
        var idToken = UnsignedJwt(idTokenClaims);
        var answer = new Dictionary<string, object>
        {
            ["accessToken"] = "idc-access-" + Guid.NewGuid().ToString("n"),
            ["tokenType"] = "Bearer",
            ["expiresIn"] = 3600,
            ["idToken"] = idToken,
            ["issuedTokenType"] = "urn:ietf:params:oauth:token-type:refresh_token",
            ["scope"] = new[] { "openid", "aws", "sts:identity_context" },
        };
        if (IdentityContextInAdditionalDetails)
        {
            answer["awsAdditionalDetails"] = new Dictionary<string, object> { ["identityContext"] = context };
        }

        return FakeResponse.Json(JsonSerializer.Serialize(answer));
    }

    /// <summary>A JWT-shaped token with the given claims; what reads it here never checks the signature.</summary>
    public static string UnsignedJwt(IReadOnlyDictionary<string, object> claims) =>
        Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8) + "." +
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims)) + "." +
        Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

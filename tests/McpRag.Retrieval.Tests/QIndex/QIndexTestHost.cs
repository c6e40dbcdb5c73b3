using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// The Q index backend as the server registers it (<c>AddQIndexBackend</c>), pointed at loopback fakes, with a fake
/// clock, run-time generated ISV credentials and captured logs.
/// </summary>
internal sealed class QIndexTestHost : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string IdcRegion = "us-west-2";
    public const string ApplicationId = "a1b2c3d4-0000-4000-8000-00000000a001";
    public const string RetrieverId = "r1b2c3d4-0000-4000-8000-00000000b002";
    public const string RoleArn = "arn:aws:iam::111122223333:role/IsvDataAccessor";
    public const string IdcApplicationArn = "arn:aws:sso::444455556666:application/ssoins-1111222233334444/apl-5555666677778888";

    private readonly ServiceProvider _services;

    private QIndexTestHost(AwsFakeEndpoints fakes, FakeTimeProvider time, ServiceProvider services, ListLoggerProvider logs, ImmutableCredentials isv)
    {
        Fakes = fakes;
        Time = time;
        _services = services;
        Logs = logs;
        IsvCredentials = isv;
        Backend = services.GetRequiredService<QIndexBackend>();
    }

    public AwsFakeEndpoints Fakes { get; }

    public FakeTimeProvider Time { get; }

    public ListLoggerProvider Logs { get; }

    public ImmutableCredentials IsvCredentials { get; }

    public QIndexBackend Backend { get; }

    public static async Task<QIndexTestHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero));
        var fakes = await AwsFakeEndpoints.StartAsync(time);
        var configuration = new Dictionary<string, string?>
        {
            ["McpRag:QIndex:StsServiceUrl"] = fakes.Url,
            ["McpRag:QIndex:SsoOidcServiceUrl"] = fakes.Url,
            ["McpRag:QIndex:QBusinessServiceUrl"] = fakes.Url,
            ["McpRag:QIndex:RetryBaseDelay"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var logs = new ListLoggerProvider();
        var isv = new ImmutableCredentials("AKIAISV" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)), null);
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build())
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<AWSCredentials>(new BasicAWSCredentials(isv.AccessKey, isv.SecretKey))
            .AddQIndexBackend()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new QIndexTestHost(fakes, time, services, logs, isv);
    }

    /// <summary>A route parsed and validated exactly as the routing table does it.</summary>
    public TenantRoute Route(string tenantId = "tenant-q", string extra = "")
    {
        var json = $$$"""
            {"tenants": {"{{{tenantId}}}": {
              "backend": "qindex", "region": "{{{Region}}}", "idcRegion": "{{{IdcRegion}}}",
              "applicationId": "{{{ApplicationId}}}", "retrieverId": "{{{RetrieverId}}}",
              "dataAccessorRoleArn": "{{{RoleArn}}}", "idcApplicationArn": "{{{IdcApplicationArn}}}"{{{extra}}}
            } } }
            """;
        return TenantTable.Parse(json, Backend.ValidateRoute)[tenantId];
    }

    /// <summary>A caller as the server builds it after validating the token; the token itself is JWT-shaped with the subject in it.</summary>
    public static TenantPrincipal Caller(string subject, string tenantId = "tenant-q") =>
        new(tenantId, subject, new HashSet<string> { TenantPrincipal.ReadScope }, DateTimeOffset.MaxValue)
        {
            AccessToken = AwsFakeEndpoints.UnsignedJwt(new Dictionary<string, object> { ["sub"] = subject, ["tenant"] = tenantId, ["aud"] = "mcprag" }),
        };

    public static SearchQuery Query(string text = "vpn setup", int topK = 5, SearchMode mode = SearchMode.Hybrid, IReadOnlyDictionary<string, IReadOnlyList<string>>? filters = null) =>
        new(text, topK, mode, filters ?? new Dictionary<string, IReadOnlyList<string>>());

    public Task<SearchPage> SearchAsync(TenantPrincipal caller, SearchQuery? query = null, TenantRoute? route = null) =>
        Backend.SearchAsync(route ?? Route(caller.TenantId), caller, query ?? Query(), CancellationToken.None);

    public IReadOnlyList<string> Services() => Fakes.Requests.Select(r => r.Service).ToList();

    public static string RelevantContent(params (string Id, string Title, string Content, string Confidence)[] passages) =>
        JsonSerializer.Serialize(new
        {
            relevantContent = passages.Select(p => new
            {
                content = p.Content,
                documentId = p.Id,
                documentTitle = p.Title,
                documentUri = $"https://wiki.example.com/{p.Id}",
                scoreAttributes = new { scoreConfidence = p.Confidence },
            }),
        });

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Fakes.DisposeAsync();
    }
}

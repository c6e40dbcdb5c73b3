using McpRag.Retrieval.Backends.QIndex;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// Against a real Q Business application through a real data accessor, when the environment names one:
/// <c>MCPRAG_TEST_QINDEX_REGION</c>, <c>_APPLICATION_ID</c>, <c>_RETRIEVER_ID</c>, <c>_ROLE_ARN</c>,
/// <c>_IDC_APPLICATION_ARN</c>, <c>_CALLER_TOKEN</c> (a JWT of the trusted token issuer) and optionally
/// <c>_IDC_REGION</c>, <c>_EXTERNAL_ID</c>, <c>_QUERY</c>. The ISV's credentials come from the AWS SDK's default chain.
/// </summary>
public sealed class QIndexLiveTests
{
    private const string Prefix = "MCPRAG_TEST_QINDEX_";

    [Fact]
    public async Task SearchAsync_RealDataAccessor_ReturnsCallersPassages()
    {
        string[] required = ["REGION", "APPLICATION_ID", "RETRIEVER_ID", "ROLE_ARN", "IDC_APPLICATION_ARN", "CALLER_TOKEN"];
        var missing = required.Where(name => string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Prefix + name))).ToList();
        if (missing.Count > 0)
        {
            Assert.Skip($"live Amazon Q index test: set {string.Join(", ", missing.Select(m => Prefix + m))} to run it");
        }

        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddQIndexBackend()
            .BuildServiceProvider();
        var backend = services.GetRequiredService<QIndexBackend>();
        var tenant = "live-tenant";
        var json = $$"""
            {"tenants": {"{{tenant}}": {"backend": "qindex",
              "region": "{{Env("REGION")}}", "idcRegion": "{{Env("IDC_REGION") ?? Env("REGION")}}",
              "applicationId": "{{Env("APPLICATION_ID")}}", "retrieverId": "{{Env("RETRIEVER_ID")}}",
              "dataAccessorRoleArn": "{{Env("ROLE_ARN")}}", "idcApplicationArn": "{{Env("IDC_APPLICATION_ARN")}}",
              "externalId": "{{Env("EXTERNAL_ID") ?? tenant}}" } } }
            """;
        var route = TenantTable.Parse(json, backend.ValidateRoute)[tenant];
        var caller = new TenantPrincipal(tenant, "live-user", new HashSet<string> { TenantPrincipal.ReadScope }, DateTimeOffset.MaxValue)
        {
            AccessToken = Env("CALLER_TOKEN"),
        };

        var page = await backend.SearchAsync(route, caller, new SearchQuery(Env("QUERY") ?? "getting started", 5, SearchMode.Hybrid, new Dictionary<string, IReadOnlyList<string>>()), TestContext.Current.CancellationToken);

        Assert.All(page.Hits, hit => Assert.False(string.IsNullOrEmpty(hit.Id)));
        Assert.All(page.Hits, hit => Assert.InRange(hit.Score, 0.0, 1.0));
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(Prefix + name) is { Length: > 0 } value ? value : null;
}

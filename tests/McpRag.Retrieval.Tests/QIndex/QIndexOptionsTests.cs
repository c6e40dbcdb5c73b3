using McpRag.Retrieval.Backends.QIndex;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpRag.Retrieval.Tests.QIndex;

public sealed class QIndexOptionsTests
{
    [Theory]
    [InlineData("McpRag:QIndex:QBusinessServiceUrl", "ftp://example", "McpRag:QIndex:QBusinessServiceUrl must be an absolute http(s) URL")]
    [InlineData("McpRag:QIndex:SessionDuration", "00:05:00", "McpRag:QIndex:SessionDuration must be between 00:15:00 and 12:00:00")]
    [InlineData("McpRag:QIndex:MaxAttempts", "0", "McpRag:QIndex:MaxAttempts must be between 1 and 10")]
    [InlineData("McpRag:QIndex:CredentialCacheSize", "0", "McpRag:QIndex:CredentialCacheSize must be between 1 and 1000000")]
    public void Options_InvalidSetting_FailsWithOneLineReason(string key, string value, string expected)
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build())
            .AddLogging()
            .AddQIndexBackend()
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<QIndexOptions>>().Value);

        Assert.Equal(expected, Assert.Single(error.Failures));
    }
}

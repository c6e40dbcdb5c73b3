using System.Security.Cryptography;
using Amazon.Runtime;
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

    [Fact]
    public void Options_SessionOverAnHourWithRoleCredentials_FailsNamingRoleChaining()
    {
        using var services = WithCredentials("02:00:00", new SessionAWSCredentials(AccessKey(), Secret(), Secret()));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<QIndexOptions>>().Value);

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("McpRag:QIndex:SessionDuration must be at most 01:00:00", failure, StringComparison.Ordinal);
        Assert.Contains("role chaining", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("01:00:00", true)]
    [InlineData("02:00:00", false)]
    public void Options_SessionWithinLimitOrLongTermCredentials_IsAccepted(string duration, bool roleCredentials)
    {
        AWSCredentials credentials = roleCredentials ? new SessionAWSCredentials(AccessKey(), Secret(), Secret()) : new BasicAWSCredentials(AccessKey(), Secret());
        using var services = WithCredentials(duration, credentials);

        Assert.Equal(TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture), services.GetRequiredService<IOptions<QIndexOptions>>().Value.SessionDuration);
    }

    private static ServiceProvider WithCredentials(string duration, AWSCredentials credentials) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new("McpRag:QIndex:SessionDuration", duration)]).Build())
            .AddSingleton(credentials)
            .AddLogging()
            .AddQIndexBackend()
            .BuildServiceProvider();

    private static string AccessKey() => "ASIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
}

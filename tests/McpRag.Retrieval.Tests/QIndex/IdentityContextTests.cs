using McpRag.Retrieval.Backends.QIndex;

namespace McpRag.Retrieval.Tests.QIndex;

public sealed class IdentityContextTests
{
    [Fact]
    public void From_AdditionalDetailsPresent_PrefersThem()
    {
        var idToken = AwsFakeEndpoints.UnsignedJwt(new Dictionary<string, object> { ["sts:identity_context"] = "from-token" });

        Assert.Equal("from-details", IdentityContext.From("from-details", idToken));
    }

    [Fact]
    public void From_OnlyIdToken_ReadsTheClaim()
    {
        var idToken = AwsFakeEndpoints.UnsignedJwt(new Dictionary<string, object> { ["sts:identity_context"] = "from-token" });

        Assert.Equal("from-token", IdentityContext.From(null, idToken));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.!!!.c")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.WzFd.c")]
    public void From_NoUsableToken_ReturnsNull(string? idToken)
    {
        Assert.Null(IdentityContext.From(null, idToken));
    }
}

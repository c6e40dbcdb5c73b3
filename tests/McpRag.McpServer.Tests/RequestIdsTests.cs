using McpRag.McpServer.Audit;

namespace McpRag.McpServer.Tests;

public sealed class RequestIdsTests
{
    [Theory]
    [InlineData("abc-123_X.y")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void From_PlainToken_IsKept(string supplied) => Assert.Equal(supplied, RequestIds.From(supplied));

    [Theory]
    [InlineData("abc\n")]
    [InlineData("abc\r\nX-Injected: 1")]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void From_AnythingElse_IsReplacedByARandomId(string? supplied)
    {
        var id = RequestIds.From(supplied);

        Assert.NotEqual(supplied, id);
        Assert.Matches("^[0-9a-f]{16}$", id);
    }
}

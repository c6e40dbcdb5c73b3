using System.Text;
using McpRag.McpServer.Hosting;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The HTTP transport reads a posted body once for everything it needs before the MCP transport: the size and
/// nesting limits, well-formed UTF-8 JSON, and the method, tool and id later stages use — one scan, one answer.
/// </summary>
public sealed class JsonRpcBodyScanTests
{
    private const int MaxDepth = 8;

    [Fact]
    public void Read_ToolCall_YieldsTheVerdictMethodToolAndIdInOnePass()
    {
        var (facts, problem) = JsonRpcBodyScan.Read(Bytes("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"search","arguments":{"query":"x"}}}"""), MaxDepth);

        Assert.Null(problem);
        Assert.Equal(new McpRequestSummary("tools/call", "search", true), facts!.Summary());
        Assert.Null(JsonRpcRequestRules.Check(facts));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":[[[[[[[[1]]]]]]]]}}""", "request nests deeper than 8 levels")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping"} {}""", "request body is not valid JSON")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping",}""", "request body is not valid JSON")]
    [InlineData("", "request body is not valid JSON")]
    public void Read_BodyOverALimitOrNotJson_IsRefusedWithItsReason(string body, string reason)
    {
        var (facts, problem) = JsonRpcBodyScan.Read(Bytes(body), MaxDepth);

        Assert.Null(facts);
        Assert.Equal(reason, problem?.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Read_InvalidUtf8InOrOutsideAString_IsRefusedAsInvalidUtf8(bool inString)
    {
        var body = Bytes(inString ? """{"jsonrpc":"2.0","id":1,"method":"p#"}""" : """{"jsonrpc":"2.0","id":1,"method":"p"}#""").ToArray();
        body[Array.IndexOf(body, (byte)'#')] = 0xFF;

        var (_, problem) = JsonRpcBodyScan.Read(body, MaxDepth);

        Assert.Equal("request body is not valid JSON (invalid UTF-8)", problem?.Message);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1.5,"method":"ping"}""", "id must be a string or an integer")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{}}}""", "tools/call needs a tool name and an arguments object")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c"}}}""", "initialize needs protocolVersion, capabilities and clientInfo {name, version}")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", "initialize is not a method of this protocol revision; use server/discover")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{}},"params":5}""", "params must be an object")]
    public void Check_ScannedMessageBreakingARule_NamesTheRule(string body, string reason)
    {
        var (facts, problem) = JsonRpcBodyScan.Read(Bytes(body), MaxDepth);

        Assert.Null(problem);
        Assert.Equal(reason, JsonRpcRequestRules.Check(facts!)?.Message);
    }

    private static ReadOnlySpan<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}

using System.Text;
using System.Text.Json;
using McpRag.McpServer.Hosting;

namespace McpRag.McpServer.Tests;

/// <summary>The stdio streams pass lines within the limit unchanged and answer a longer line with one JSON-RPC error.</summary>
public sealed class BoundedStdioTests
{
    private const int Limit = 1_000;

    [Fact]
    public async Task Input_LineOverLimit_IsDroppedAndAnsweredWithItsId()
    {
        var huge = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"search","arguments":{"query":""" + "\"" + new string('q', 100_000) + "\"}}}";
        var (lines, output) = await RunAsync(["""{"jsonrpc":"2.0","id":1,"method":"ping"}""", huge, """{"jsonrpc":"2.0","id":8,"method":"ping"}"""]);

        Assert.Equal(["""{"jsonrpc":"2.0","id":1,"method":"ping"}""", """{"jsonrpc":"2.0","id":8,"method":"ping"}"""], lines);
        var error = Assert.Single(output);
        Assert.Equal(7, error.GetProperty("id").GetInt32());
        Assert.Equal(-32600, error.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal($"request line is larger than {Limit} bytes", error.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Input_LineExactlyAtLimit_PassesUnchanged()
    {
        var prefix = """{"jsonrpc":"2.0","id":2,"method":"ping","params":{"pad":""" + "\"";
        var line = prefix + new string('p', Limit - prefix.Length - 3) + "\"}}";
        Assert.Equal(Limit, Encoding.UTF8.GetByteCount(line));

        var (lines, output) = await RunAsync([line, "x"]);

        Assert.Equal([line, "x"], lines);
        Assert.Empty(output);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":"req-9","method":"ping","params":{"pad":"#"}}""", "\"req-9\"")]
    [InlineData("""{"jsonrpc":"2.0","method":"ping","params":{"pad":"#"},"id":3}""", "null")]
    [InlineData("""#""", "null")]
    public async Task Input_LineOverLimit_IdRecoveredOnlyFromItsStart(string template, string expectedId)
    {
        var line = template.Replace("#", new string('z', 5_000), StringComparison.Ordinal);

        var (lines, output) = await RunAsync([line]);

        Assert.Empty(lines);
        Assert.Equal(expectedId, Assert.Single(output).GetProperty("id").GetRawText());
    }

    [Fact]
    public async Task Output_PartialWrites_ArePassedOnAsWholeLines()
    {
        using var sink = new MemoryStream();
        var stdio = new BoundedStdio(new MemoryStream(), sink, Limit);

        await stdio.Output.WriteAsync("{\"a\":"u8.ToArray(), TestContext.Current.CancellationToken);
        Assert.Equal(0, sink.Length);
        await stdio.Output.WriteAsync("1}"u8.ToArray(), TestContext.Current.CancellationToken);
        await stdio.Output.WriteAsync("\n"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal("{\"a\":1}\n", Encoding.UTF8.GetString(sink.ToArray()));
    }

    [Fact]
    public async Task Output_NewlineWriteCancelledAfterTheMessage_NextMessageStillItsOwnLine()
    {
        // The SDK's stdio transport writes a message, then its newline, both with the request's token: a request
        // cancelled between the two must not glue its message onto the next one.
        using var sink = new MemoryStream();
        var stdio = new BoundedStdio(new MemoryStream(), sink, Limit);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await stdio.Output.WriteAsync("""{"jsonrpc":"2.0","id":1,"result":{}}"""u8.ToArray(), cancelled.Token);
        try
        {
            await stdio.Output.WriteAsync("\n"u8.ToArray(), cancelled.Token);
        }
        catch (OperationCanceledException)
        {
            // Either outcome of the cancelled write is fine; the lines that follow are what matters.
        }

        await stdio.Output.WriteAsync("""{"jsonrpc":"2.0","id":2,"result":{}}"""u8.ToArray(), TestContext.Current.CancellationToken);
        await stdio.Output.WriteAsync("\n"u8.ToArray(), TestContext.Current.CancellationToken);

        var lines = Encoding.UTF8.GetString(sink.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var last = JsonDocument.Parse(lines[^1]).RootElement;
        Assert.Equal(2, last.GetProperty("id").GetInt32());
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
    }

    /// <summary>Feeds <paramref name="input"/> through the bounded input in small reads; returns the lines read and the messages written back.</summary>
    private static async Task<(List<string> Lines, List<JsonElement> Output)> RunAsync(string[] input)
    {
        using var sink = new MemoryStream();
        var stdio = new BoundedStdio(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", input) + "\n")), sink, Limit);
        using var reader = new StreamReader(stdio.Input, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 128);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            lines.Add(line);
        }

        var output = Encoding.UTF8.GetString(sink.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (lines, output);
    }
}

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The stdio transport's streams with the same bound as HTTP bodies (<c>McpRag:Http:MaxRequestBodyBytes</c>): the
/// MCP reader only ever sees lines within the limit, so a huge line costs at most one limit's worth of memory. A
/// longer line is discarded as it arrives and answered with a JSON-RPC error (carrying the request id when the
/// line's start names it), and the server keeps reading the next line. Output is written in whole lines, so the
/// error can never land inside a message the MCP server is writing.
/// </summary>
internal sealed class BoundedStdio
{
    private readonly StdioLineWriter _output;

    public BoundedStdio(Stream input, Stream output, long maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _output = new StdioLineWriter(output);
        Input = new StdioLineReader(input, _output, (int)Math.Min(maxLineBytes, Array.MaxLength - 1));
    }

    /// <summary>What the MCP transport reads: complete lines within the limit.</summary>
    public Stream Input { get; }

    /// <summary>What the MCP transport writes: passed on line by line.</summary>
    public Stream Output => _output;
}

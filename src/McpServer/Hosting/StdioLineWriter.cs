namespace McpRag.McpServer.Hosting;

/// <summary>Writes complete lines only, one at a time, whoever writes them (the MCP transport or <see cref="StdioLineReader"/>).</summary>
internal sealed class StdioLineWriter(Stream inner) : Stream
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly MemoryStream _partial = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Writes one whole line (a newline is added).</summary>
    public async Task WriteLineAsync(byte[] line, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await inner.WriteAsync(line, cancellationToken);
            await inner.WriteAsync("\n"u8.ToArray(), cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Writes of the MCP transport: held until a line is complete, then passed on whole. The transport writes a
    /// message and then its newline, each with the request's token; once a message is held, its line is finished even
    /// if that request is cancelled meanwhile, because giving up between the two would prefix the next message with
    /// this one and the client would lose both (it ignores answers to requests it cancelled).
    /// </summary>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var last = buffer.Span.LastIndexOf((byte)'\n');
        if (last < 0)
        {
            _partial.Write(buffer.Span);
            return;
        }

        await _lock.WaitAsync(CancellationToken.None);
        try
        {
            if (_partial.Length > 0)
            {
                await inner.WriteAsync(_partial.GetBuffer().AsMemory(0, (int)_partial.Length), CancellationToken.None);
                _partial.SetLength(0);
            }

            await inner.WriteAsync(buffer[..(last + 1)], CancellationToken.None);
            await inner.FlushAsync(CancellationToken.None);
        }
        finally
        {
            _lock.Release();
        }

        _partial.Write(buffer.Span[(last + 1)..]);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Complete lines are flushed as they are written; a partial line waits for its end.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _partial.Dispose();
            _lock.Dispose();
        }

        base.Dispose(disposing);
    }
}

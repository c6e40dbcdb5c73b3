namespace McpRag.McpServer.Hosting;

/// <summary>Passes whole lines on; an oversized line is dropped as it arrives and answered through <see cref="StdioLineWriter"/>.</summary>
internal sealed class StdioLineReader(Stream inner, StdioLineWriter output, int maxLineBytes) : Stream
{
    private readonly byte[] _chunk = new byte[64 * 1024];
    private readonly MemoryStream _line = new();
    private int _chunkStart;
    private int _chunkEnd;
    private byte[] _ready = [];
    private int _readyStart;
    private bool _discarding;
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_readyStart < _ready.Length)
            {
                var count = Math.Min(buffer.Length, _ready.Length - _readyStart);
                _ready.AsMemory(_readyStart, count).CopyTo(buffer);
                _readyStart += count;
                return count;
            }

            if (_chunkStart == _chunkEnd)
            {
                if (_ended)
                {
                    return 0;
                }

                // Console streams ignore cancellation; waiting on the read task lets shutdown proceed anyway.
                _chunkStart = 0;
                _chunkEnd = await inner.ReadAsync(_chunk.AsMemory(), cancellationToken).AsTask().WaitAsync(cancellationToken);
                if (_chunkEnd == 0)
                {
                    _ended = true;
                    if (!_discarding && _line.Length > 0)
                    {
                        Emit();
                    }

                    continue;
                }
            }

            await TakeAsync(cancellationToken);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Moves the read chunk into the current line, up to and including its end.</summary>
    private async Task TakeAsync(CancellationToken cancellationToken)
    {
        var available = _chunk.AsSpan(_chunkStart, _chunkEnd - _chunkStart);
        var newline = available.IndexOf((byte)'\n');
        var piece = newline < 0 ? available : available[..(newline + 1)];
        _chunkStart += piece.Length;
        if (!_discarding)
        {
            var content = _line.Length + piece.Length - (newline < 0 ? 0 : 1);
            if (content > maxLineBytes)
            {
                var start = new byte[OversizedLineError.IdSearchBytes];
                var kept = _line.Length > 0 ? _line.GetBuffer().AsSpan(0, (int)Math.Min(_line.Length, OversizedLineError.IdSearchBytes)) : [];
                kept.CopyTo(start);
                var fill = Math.Min(OversizedLineError.IdSearchBytes - kept.Length, piece.Length);
                piece[..fill].CopyTo(start.AsSpan(kept.Length));
                _line.SetLength(0);
                _discarding = true;
                await output.WriteLineAsync(OversizedLineError.For(start.AsSpan(0, kept.Length + fill), maxLineBytes), cancellationToken);
            }
            else
            {
                _line.Write(piece);
            }
        }

        if (newline >= 0)
        {
            if (_discarding)
            {
                _discarding = false;
            }
            else
            {
                Emit();
            }
        }
    }

    private void Emit()
    {
        _ready = _line.ToArray();
        _readyStart = 0;
        _line.SetLength(0);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _line.Dispose();
        }

        base.Dispose(disposing);
    }
}

using System.Text.Json;

namespace McpRag.McpServer.Hosting;

/// <summary>
/// The stdio transport's streams with the same bound as HTTP bodies (<c>McpRag:Http:MaxRequestBodyBytes</c>): the
/// MCP reader only ever sees lines within the limit, so a huge line costs at most one limit's worth of memory. A
/// longer line is discarded as it arrives and answered with a JSON-RPC error (carrying the request id when the
/// line's start names it), and the server keeps reading the next line. Output is written in whole lines, so the
/// error can never land inside a message the MCP server is writing.
/// </summary>
public sealed class BoundedStdio
{
    /// <summary>How much of an oversized line is kept to find its request id.</summary>
    private const int IdSearchBytes = 4 * 1024;

    private readonly LineWriter _output;

    public BoundedStdio(Stream input, Stream output, long maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _output = new LineWriter(output);
        Input = new LineReader(input, _output, (int)Math.Min(maxLineBytes, Array.MaxLength - 1));
    }

    /// <summary>What the MCP transport reads: complete lines within the limit.</summary>
    public Stream Input { get; }

    /// <summary>What the MCP transport writes: passed on line by line.</summary>
    public Stream Output => _output;

    /// <summary>The JSON-RPC error for an oversized line; <paramref name="start"/> is the beginning of that line.</summary>
    public static byte[] LineTooLong(ReadOnlySpan<byte> start, int maxLineBytes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            json.WritePropertyName("id");
            WriteId(json, start);
            json.WriteStartObject("error");
            json.WriteNumber("code", RequestLimitsMiddleware.InvalidRequest);
            json.WriteString("message", $"request line is larger than {maxLineBytes} bytes");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Copies the top-level <c>id</c> of a truncated JSON-RPC message, or writes <c>null</c> when it is not in the part read.</summary>
    private static void WriteId(Utf8JsonWriter json, ReadOnlySpan<byte> start)
    {
        var reader = new Utf8JsonReader(start, isFinalBlock: false, state: default);
        try
        {
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("id"u8);
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (isId && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
                    {
                        json.WriteNumberValue(number);
                        return;
                    }

                    if (isId && reader.TokenType == JsonTokenType.String)
                    {
                        json.WriteStringValue(reader.GetString());
                        return;
                    }

                    if (isId || !reader.TrySkip())
                    {
                        break;
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        json.WriteNullValue();
    }

    /// <summary>Passes whole lines on; an oversized line is dropped and answered through <see cref="LineWriter"/>.</summary>
    private sealed class LineReader(Stream inner, LineWriter output, int maxLineBytes) : Stream
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
                    var start = new byte[IdSearchBytes];
                    var kept = _line.Length > 0 ? _line.GetBuffer().AsSpan(0, (int)Math.Min(_line.Length, IdSearchBytes)) : [];
                    kept.CopyTo(start);
                    var fill = Math.Min(IdSearchBytes - kept.Length, piece.Length);
                    piece[..fill].CopyTo(start.AsSpan(kept.Length));
                    _line.SetLength(0);
                    _discarding = true;
                    await output.WriteLineAsync(LineTooLong(start.AsSpan(0, kept.Length + fill), maxLineBytes), cancellationToken);
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

    /// <summary>Writes complete lines only, one at a time, whoever writes them.</summary>
    private sealed class LineWriter(Stream inner) : Stream
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
        /// message and then its newline, each with the request's token; once a message is held, its line is finished
        /// even if that request is cancelled meanwhile, because giving up between the two would prefix the next
        /// message with this one and the client would lose both (it ignores answers to requests it cancelled).
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
}

using System.Diagnostics;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests;

/// <summary>The token file is read only when it is a small regular file, and never hangs a call.</summary>
public sealed class StdioTokenSourceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mcprag-tests", "token-" + Guid.NewGuid().ToString("n"));

    public StdioTokenSourceTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Current_RegularFileWithNewline_ReturnsToken()
    {
        var file = Path.Combine(_folder, "token.txt");
        await File.WriteAllTextAsync(file, "header.payload.signature\n", TestContext.Current.CancellationToken);

        Assert.Equal(("header.payload.signature", null), new StdioTokenSource(file).Current());
    }

    [Fact]
    public async Task Current_TokenFileIsFifo_ReturnsErrorWithoutHanging()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "named pipes in the file system are a Unix feature");
        var fifo = Path.Combine(_folder, "token.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await ProcessExit.WaitAsync(mkfifo!, TimeSpan.FromSeconds(30), "mkfifo");
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var source = new StdioTokenSource(fifo);
        var call = Task.Run(source.Current, TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)) == call;
        if (!finished)
        {
            // Release the reader stuck on the FIFO: a writer opening and closing it ends the read.
            await using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }
        }

        Assert.True(finished, "reading a FIFO token file hung the call");
        var (token, error) = await call;
        Assert.Null(token);
        Assert.Contains("not a regular file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Current_TokenFileIsLinkToFifo_ReturnsErrorWithoutHanging()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "named pipes in the file system are a Unix feature");
        var fifo = Path.Combine(_folder, "target.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await ProcessExit.WaitAsync(mkfifo!, TimeSpan.FromSeconds(30), "mkfifo");
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var link = Path.Combine(_folder, "token.txt");
        File.CreateSymbolicLink(link, fifo);
        var source = new StdioTokenSource(link);

        // Twice: a read that could still be stuck must not hold up the next call either.
        foreach (var attempt in new[] { 1, 2 })
        {
            var call = Task.Run(source.Current, TestContext.Current.CancellationToken);
            var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)) == call;
            Assert.True(finished, $"call {attempt} on a token file linked to a FIFO hung");
            Assert.Null((await call).Token);
        }
    }

    [Fact]
    public void Current_TokenFileLargerThanTokenLimit_ReturnsTooLarge()
    {
        var file = Path.Combine(_folder, "huge.txt");
        using (var stream = File.Create(file))
        {
            // Sparse: 20 MB of length without writing them.
            stream.SetLength(20 * 1024 * 1024);
        }

        var (token, error) = new StdioTokenSource(file).Current();

        Assert.Null(token);
        Assert.Equal("token is too large", error);
    }

    [Fact]
    public void Current_MissingFile_ReturnsCannotBeRead()
    {
        var (token, error) = new StdioTokenSource(Path.Combine(_folder, "missing.txt")).Current();

        Assert.Null(token);
        Assert.Equal("token file cannot be read", error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

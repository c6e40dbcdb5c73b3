using System.Diagnostics;
using McpRag.McpServer.Tests.Infrastructure;
using ModelContextProtocol.Client;

namespace McpRag.McpServer.Tests.Distribution;

/// <summary>
/// The McpRag package run the way a user runs it, away from the source tree: the <c>mcprag</c> command that
/// <c>dotnet tool install --tool-path</c> put in place (<c>MCPRAG_TEST_INSTALLED_TOOL</c>), or <c>dnx McpRag</c> from a
/// local feed (<c>MCPRAG_TEST_DNX_FEED</c>). Each instance has a fresh working directory, home and per-user data home,
/// so nothing from the checkout, the build output or an earlier run can be picked up.
/// </summary>
internal sealed class InstalledTool : IDisposable
{
    public const string InstalledToolVariable = "MCPRAG_TEST_INSTALLED_TOOL";
    public const string DnxFeedVariable = "MCPRAG_TEST_DNX_FEED";

    private readonly string _root = Directory.CreateTempSubdirectory("mcprag-installed-").FullName;
    private readonly string _command;
    private readonly IReadOnlyList<string> _prefix;

    private InstalledTool(string command, IReadOnlyList<string> prefix)
    {
        _command = command;
        _prefix = prefix;
        Directory.CreateDirectory(WorkingDirectory);
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(DataHome);
    }

    public string WorkingDirectory => Path.Combine(_root, "work");

    /// <summary>The per-user data home (<c>XDG_DATA_HOME</c>); the default data directory is <c>mcprag</c> under it.</summary>
    public string DataHome => Path.Combine(_root, "data");

    public string Home => Path.Combine(_root, "home");

    /// <summary>Launches the installed command (<c>installed</c>) or <c>dnx</c> (<c>dnx</c>); skips the test when CI did not provide it.</summary>
    public static InstalledTool Create(string launcher)
    {
        if (launcher == "installed")
        {
            var tool = Environment.GetEnvironmentVariable(InstalledToolVariable);
            if (string.IsNullOrEmpty(tool))
            {
                Assert.Skip($"{InstalledToolVariable} is not set: .ci/run installs the packed tool and sets it");
            }

            return new InstalledTool(tool, []);
        }

        var feed = Environment.GetEnvironmentVariable(DnxFeedVariable);
        if (string.IsNullOrEmpty(feed))
        {
            Assert.Skip($"{DnxFeedVariable} is not set: .ci/run packs the tool into a local feed and sets it");
        }

        var dnx = FindDnx() ?? throw new InvalidOperationException("dnx was not found next to the dotnet on PATH (it ships with the .NET 10 SDK)");
        return new InstalledTool(dnx, ["McpRag", "--source", feed, "--yes", "--"]);
    }

    public Dictionary<string, string?> ProcessEnvironment(string? token = null) => new()
    {
        ["HOME"] = Home,
        ["XDG_DATA_HOME"] = DataHome,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["MCPRAG_TOKEN"] = token,
    };

    /// <summary>Runs one verb to completion; returns its exit code and what it wrote.</summary>
    public async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await ProcessExit.WaitAsync(process, TimeSpan.FromMinutes(5), "installed mcprag " + string.Join(' ', arguments), () => ProcessExit.TextAsync(error, "stderr"));
        return (process.ExitCode, await ProcessExit.TextAsync(output, "stdout"), await ProcessExit.TextAsync(error, "stderr"));
    }

    /// <summary>Starts a long-running verb with redirected output; the caller stops it.</summary>
    public Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(_command, [.. _prefix, .. arguments])
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var (name, value) in ProcessEnvironment())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>The real MCP client over stdio, with the package's <c>serve --transport stdio</c> as the server process.</summary>
    public Task<McpClient> StdioClientAsync(string token, params string[] arguments) =>
        McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "mcprag",
                Command = _command,
                Arguments = [.. _prefix, .. arguments],
                WorkingDirectory = WorkingDirectory,
                EnvironmentVariables = ProcessEnvironment(token),
            }),
            McpClients.ClientOptions,
            cancellationToken: TestContext.Current.CancellationToken);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A server process may still be releasing its files; the temp folder is cleaned by the OS.
        }
    }

    private static string? FindDnx()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var dotnet = new FileInfo(Path.Combine(folder, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
            if (!dotnet.Exists)
            {
                continue;
            }

            var target = dotnet.ResolveLinkTarget(returnFinalTarget: true) ?? dotnet;
            var dnx = Path.Combine(Path.GetDirectoryName(target.FullName)!, OperatingSystem.IsWindows() ? "dnx.cmd" : "dnx");
            return File.Exists(dnx) ? dnx : null;
        }

        return null;
    }
}

using System.Diagnostics;
using System.Security.Cryptography;

namespace McpRag.McpServer.Tests.Infrastructure;

/// <summary>
/// The third-party MCP clients of <c>tests/node-clients</c> (official TypeScript SDKs at pinned versions), installed
/// once per machine and lock file: from <c>MCPRAG_TEST_NODE_MODULES</c> when <c>.ci/run</c> installed them, otherwise
/// with <c>npm ci</c> into a temporary folder, so <c>dotnet test</c> alone needs nothing else. Tests skip, saying why,
/// only where Node.js or npm is missing.
/// </summary>
internal static class NodeClients
{
    private static readonly Lazy<Task<string>> Installed = new(InstallAsync);

    /// <summary>The source folder: package.json, package-lock.json and the client scripts.</summary>
    public static string Sources => Path.Combine(RepositoryPaths.Root, "tests", "node-clients");

    /// <summary>A folder holding <c>node_modules</c> and the current client scripts, ready for <c>node script.mjs</c>.</summary>
    public static async Task<string> FolderAsync()
    {
        if (!OnPath("node") || !OnPath("npm"))
        {
            Assert.Skip("Node.js and npm are needed to run the official TypeScript MCP clients");
        }

        var folder = await Installed.Value;
        foreach (var script in Directory.GetFiles(Sources, "*.mjs"))
        {
            File.Copy(script, Path.Combine(folder, Path.GetFileName(script)), overwrite: true);
        }

        return folder;
    }

    /// <summary>Runs <c>node script</c> in the clients folder and returns its stdout; a non-zero exit fails the test with its stderr.</summary>
    public static async Task<string> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var folder = await FolderAsync();
        var start = new ProcessStartInfo("node", [script]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await ProcessExit.WaitAsync(process, timeout, "node " + script, () => ProcessExit.TextAsync(stderr, "stderr"));
        Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}: {await ProcessExit.TextAsync(stderr, "stderr")}");
        return await ProcessExit.TextAsync(stdout, "stdout");
    }

    /// <summary>
    /// Starts <c>node script</c> in the clients folder as a long-running helper (a loopback server) with stdin kept open:
    /// the script exits when stdin closes, so it does not outlive the test process.
    /// </summary>
    public static async Task<Process> StartAsync(string script)
    {
        var folder = await FolderAsync();
        return Process.Start(new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
    }

    private static async Task<string> InstallAsync()
    {
        if (Environment.GetEnvironmentVariable("MCPRAG_TEST_NODE_MODULES") is { Length: > 0 } modules)
        {
            return Path.GetDirectoryName(Path.GetFullPath(modules).TrimEnd(Path.DirectorySeparatorChar))!;
        }

        var lockFile = Path.Combine(Sources, "package-lock.json");
        var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(lockFile)))[..16];
        var target = Path.Combine(Path.GetTempPath(), "mcprag-node-clients-" + hash);
        if (Directory.Exists(Path.Combine(target, "node_modules")))
        {
            return target;
        }

        // Installed beside the target and moved into place, so concurrent test runs never see a half-installed folder.
        var staging = target + "-" + Guid.NewGuid().ToString("n");
        Directory.CreateDirectory(staging);
        File.Copy(Path.Combine(Sources, "package.json"), Path.Combine(staging, "package.json"));
        File.Copy(lockFile, Path.Combine(staging, "package-lock.json"));
        using (var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        {
            WorkingDirectory = staging,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            var errors = npm.StandardError.ReadToEndAsync();
            _ = npm.StandardOutput.ReadToEndAsync();
            await ProcessExit.WaitAsync(npm, TimeSpan.FromMinutes(10), "npm ci in tests/node-clients", () => ProcessExit.TextAsync(errors, "stderr"));
            Assert.True(npm.ExitCode == 0, "npm ci in tests/node-clients failed: " + await ProcessExit.TextAsync(errors, "stderr"));
        }

        try
        {
            Directory.Move(staging, target);
        }
        catch (IOException) when (Directory.Exists(Path.Combine(target, "node_modules")))
        {
            Directory.Delete(staging, recursive: true);
        }

        return target;
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Any(dir => File.Exists(Path.Combine(dir, command)));
}

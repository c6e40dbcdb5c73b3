using System.Diagnostics;
using System.Text.Json.Nodes;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval.Backends.Local;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The data directory on a small filesystem (a tmpfs mounted by the test; skipped, saying why, where mounting is not
/// allowed) that fills up while the server runs: a write then fails with a clear backend_unavailable, everything
/// acknowledged before stays, reads of every tenant keep working, and writes succeed again by themselves once space
/// is freed (or the filesystem is writable again after a read-only remount), with the index still consistent.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FullStorageTests(SampleDeployment deployment) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mcprag-tests", "disk-" + Guid.NewGuid().ToString("n"));
    private bool _mounted;

    private string DataDir => Path.Combine(_root, "data");

    [Fact]
    public async Task Upsert_DiskFull_BackendUnavailableReadsContinueAndWritesResumeWhenSpaceReturns()
    {
        await MountAsync("16m");
        var config = await DeployAsync();
        // Replicas of one deployment share its resource URL, which the test tokens name as their audience.
        config["McpRag"]!["Auth"] = new JsonObject { ["ResourceUrl"] = deployment.Tokens.Audience };
        await using var server = await ServerProcess.StartAsync(Path.Combine(_root, "serve.json"), config);
        await using var writer = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid("disk-a", scope: "rag:read rag:write"));
        await using var reader = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid("disk-b"));
        (await writer.CallAsync("upsert_document", Document("acknowledged", 200))).Ok();

        var filler = Fill();
        var full = await writer.CallAsync("upsert_document", Document("while-full", 1500));
        var searchWhileFull = await writer.CallAsync("search", new() { ["query"] = "warranty", ["mode"] = "keyword", ["top_k"] = 20 });
        var fetchWhileFull = await writer.CallAsync("fetch", new() { ["id"] = "acknowledged" });
        var neighbourWhileFull = await reader.CallAsync("search", new() { ["query"] = "warranty", ["mode"] = "keyword" });
        File.Delete(filler);
        var resumed = await writer.CallAsync("upsert_document", Document("after-space-returns", 1500));
        var searchAfter = await writer.CallAsync("search", new() { ["query"] = "warranty", ["mode"] = "keyword", ["top_k"] = 20 });

        Assert.Equal("backend_unavailable", full.ErrorCode());
        Assert.Contains("storage is full", full.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(_root, full.Text(), StringComparison.Ordinal);
        var idsWhileFull = searchWhileFull.Hits().Select(h => h.GetProperty("id").GetString()).ToHashSet();
        Assert.Contains("acknowledged", idsWhileFull);
        Assert.DoesNotContain("while-full", idsWhileFull);
        Assert.Equal("acknowledged", fetchWhileFull.Ok().GetProperty("id").GetString());
        Assert.Equal(3, neighbourWhileFull.Hits().Count);
        resumed.Ok();
        var idsAfter = searchAfter.Hits().Select(h => h.GetProperty("id").GetString()).ToHashSet();
        Assert.Contains("after-space-returns", idsAfter);
        Assert.Contains("acknowledged", idsAfter);
        Assert.DoesNotContain("while-full", idsAfter);
        var report = LocalIndexCheck.Run(Path.Combine(DataDir, "indexes", "kb-disk-a"), "all-MiniLM-L6-v2", 384);
        Assert.True(report.Healthy, string.Join("; ", report.Problems));
        Assert.Equal(5, report.Documents);
    }

    [Fact]
    public async Task Upsert_ReadOnlyRemount_BackendUnavailableReadsContinueAndWritesResumeWhenWritable()
    {
        await MountAsync("16m");
        var config = await DeployAsync();
        // Replicas of one deployment share its resource URL, which the test tokens name as their audience.
        config["McpRag"]!["Auth"] = new JsonObject { ["ResourceUrl"] = deployment.Tokens.Audience };
        await using var server = await ServerProcess.StartAsync(Path.Combine(_root, "serve.json"), config);
        await using var writer = await McpClients.HttpAsync(server.McpEndpoint, deployment.Tokens.Valid("disk-a", scope: "rag:read rag:write"));
        (await writer.CallAsync("upsert_document", Document("acknowledged", 200))).Ok();

        await RemountAsync("ro");
        var refused = await writer.CallAsync("upsert_document", Document("while-read-only", 300));
        var deleteRefused = await writer.CallAsync("delete_document", new() { ["id"] = "acknowledged" });
        var searchWhileReadOnly = await writer.CallAsync("search", new() { ["query"] = "warranty", ["mode"] = "keyword", ["top_k"] = 20 });
        await RemountAsync("rw");
        var resumed = await writer.CallAsync("upsert_document", Document("after-remount", 300));
        var searchAfter = await writer.CallAsync("search", new() { ["query"] = "warranty", ["mode"] = "keyword", ["top_k"] = 20 });

        Assert.Equal("backend_unavailable", refused.ErrorCode());
        Assert.Equal("backend_unavailable", deleteRefused.ErrorCode());
        Assert.DoesNotContain(_root, refused.Text(), StringComparison.Ordinal);
        Assert.Equal(4, searchWhileReadOnly.Hits().Count);
        resumed.Ok();
        var ids = searchAfter.Hits().Select(h => h.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal(5, ids.Count);
        Assert.Contains("acknowledged", ids);
        Assert.Contains("after-remount", ids);
        var report = LocalIndexCheck.Run(Path.Combine(DataDir, "indexes", "kb-disk-a"), "all-MiniLM-L6-v2", 384);
        Assert.True(report.Healthy, string.Join("; ", report.Problems));
    }

    private async Task RemountAsync(string mode)
    {
        using var mount = Process.Start(new ProcessStartInfo("mount", ["-o", $"remount,{mode}", DataDir]) { RedirectStandardError = true })!;
        var reading = mount.StandardError.ReadToEndAsync();
        await ProcessExit.WaitAsync(mount, TimeSpan.FromSeconds(30), "mount");
        var error = await ProcessExit.TextAsync(reading, "stderr");
        Assert.True(mount.ExitCode == 0, $"remount {mode}: {error}");
    }

    private static Dictionary<string, object?> Document(string id, int words) => new()
    {
        ["id"] = id,
        ["title"] = $"Warranty note {id}",
        ["text"] = "The warranty covers " + string.Join(' ', Enumerable.Range(0, words).Select(i => $"device{i % 97} repair{i % 89} parcel{i % 83}")),
    };

    /// <summary>Fills the filesystem to the last byte; returns the filler file.</summary>
    private string Fill()
    {
        var filler = Path.Combine(DataDir, "filler.bin");
        var block = new byte[64 * 1024];
        Random.Shared.NextBytes(block);
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // Full; write what still fits byte-wise so not even a small file can be created.
            try
            {
                for (var i = 0; i < block.Length; i++)
                {
                    stream.WriteByte(1);
                }
            }
            catch (IOException)
            {
            }
        }

        return filler;
    }

    private async Task MountAsync(string size)
    {
        Directory.CreateDirectory(DataDir);
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("a size-limited tmpfs needs Linux");
        }

        using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", DataDir]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var reading = mount.StandardError.ReadToEndAsync();
        await ProcessExit.WaitAsync(mount, TimeSpan.FromSeconds(30), "mount");
        var error = await ProcessExit.TextAsync(reading, "stderr");
        if (mount.ExitCode != 0)
        {
            Assert.Skip("mounting a tmpfs is not allowed here (needs root): " + error.Trim());
        }

        _mounted = true;
    }

    private async Task<JsonObject> DeployAsync()
    {
        File.Copy(Path.Combine(deployment.DataDir, "dev-signing-key.json"), Path.Combine(DataDir, "dev-signing-key.json"));
        var tenants = new JsonObject
        {
            ["defaults"] = new JsonObject { ["backend"] = "local" },
            ["tenants"] = new JsonObject
            {
                ["disk-a"] = new JsonObject { ["isolation"] = "index", ["index"] = "kb-disk-a" },
                ["disk-b"] = new JsonObject { ["isolation"] = "index", ["index"] = "kb-disk-b" },
            },
        };
        await File.WriteAllTextAsync(Path.Combine(_root, "tenants.json"), tenants.ToJsonString());
        var config = new JsonObject
        {
            ["McpRag"] = new JsonObject
            {
                ["DataDir"] = DataDir,
                ["Tenants"] = new JsonObject { ["File"] = Path.Combine(_root, "tenants.json") },
                ["Audit"] = new JsonObject { ["Directory"] = "" },
            },
        };
        var configFile = Path.Combine(_root, "mcprag.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString());
        foreach (var tenant in new[] { "disk-a", "disk-b" })
        {
            var folder = Path.Combine(_root, "corpus-" + tenant);
            Directory.CreateDirectory(folder);
            for (var i = 1; i <= 3; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"doc-{i}.md"), $"# {tenant} article {i}\n\nThe warranty of {tenant} covers device {i}.\n");
            }

            var ingest = await McpRagCli.RunAsync(_root, null, "ingest", "--tenant", tenant, "--config", configFile, folder);
            Assert.True(ingest.ExitCode == 0, ingest.Stderr);
        }

        return config;
    }

    public void Dispose()
    {
        if (_mounted)
        {
            using var umount = Process.Start(new ProcessStartInfo("umount", ["-l", DataDir]) { RedirectStandardError = true })!;
            if (!umount.WaitForExit(ProcessExit.KillTimeout))
            {
                ProcessExit.Kill(umount, "umount -l");
            }
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

using System.Text.Json.Nodes;
using McpRag.McpServer.Cli;
using McpRag.McpServer.Hosting;
using McpRag.McpServer.Tests.Infrastructure;

namespace McpRag.McpServer.Tests.Distribution;

/// <summary>
/// The client snippets in <c>samples/clients</c>: each is JSON a client accepts, starts the real command line
/// correctly, and takes the token from a prompt, the environment or a token file — never holds one.
/// </summary>
public sealed class ClientSamplesTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Samples, "clients");

    public static TheoryData<string> Files() => new(Directory.GetFiles(Folder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Sample_EveryServer_StartsTheRealCommandLineOrNamesTheMcpEndpoint(string file)
    {
        var servers = Servers(file);

        Assert.NotEmpty(servers);
        foreach (var server in servers)
        {
            if (server["command"] is { } command)
            {
                var arguments = McpragArguments(command.GetValue<string>(), server["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList());
                Assert.Equal(["serve", "--transport", "stdio"], arguments.Take(3));
                Assert.Empty(McpRagCommandLine.Build().Parse(arguments.ToArray()).Errors);
                var tokenFromEnvironment = server["env"]?["MCPRAG_TOKEN"]?.GetValue<string>() is { } value && value.StartsWith("${", StringComparison.Ordinal);
                Assert.True(tokenFromEnvironment || arguments.Contains("--token-file"), $"{file}: the token must come from the environment or a token file");
            }
            else
            {
                Assert.EndsWith(HttpServerHost.McpPath, server["url"]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.Matches(@"^Bearer \$\{[^}]+\}$", server["headers"]!["Authorization"]!.GetValue<string>());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Sample_File_HoldsNoTokenAndNoDevelopmentTrust(string file)
    {
        var text = File.ReadAllText(Path.Combine(Folder, file));

        Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
        if (!file.Contains("checkout", StringComparison.Ordinal))
        {
            // Only the clone's developer snippet trusts the development key; snippets for the package never do.
            Assert.DoesNotContain("--dev", text, StringComparison.Ordinal);
        }
    }

    private static List<JsonObject> Servers(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, file)))!.AsObject();
        var servers = (root["servers"] ?? root["mcpServers"])!.AsObject();
        return servers.Select(s => s.Value!.AsObject()).ToList();
    }

    /// <summary>The arguments <c>mcprag</c> receives, whichever way the snippet launches it.</summary>
    private static List<string> McpragArguments(string command, List<string> args) => command switch
    {
        "mcprag" => args,
        "dnx" => AfterSeparator(args, expectedBefore: ["McpRag", "--yes"]),
        "dotnet" => AfterSeparator(args, expectedBefore: ["run", "--project", "src/McpServer"]),
        _ => throw new Xunit.Sdk.XunitException($"unexpected command {command}"),
    };

    private static List<string> AfterSeparator(List<string> args, string[] expectedBefore)
    {
        var separator = args.IndexOf("--");
        Assert.Equal(expectedBefore, args.Take(separator));
        return args.Skip(separator + 1).ToList();
    }
}

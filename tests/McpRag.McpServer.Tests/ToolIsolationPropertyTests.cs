using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval.Search;
using ModelContextProtocol.Client;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The isolation property through the MCP tools, where cursors, filters and ids arrive from the caller: a cursor
/// minted for one tenant and query is refused for every other tenant and every changed query; no filter can name a
/// reserved field; a tenant with the write scope cannot delete, and so cannot even probe for, another tenant's
/// document. Random choices come from one printed seed.
/// </summary>
public sealed class ToolIsolationPropertyTests(SampleDeployment deployment)
{
    private const int Seed = 4242;

    private static readonly string[] Queries = ["refund", "password reset", "business hours", "escalation procedure", "insurance claim", "how long does it take"];

    [Fact]
    public async Task Search_CursorsReplayedAcrossTenantsOrQueries_AreAllRefused()
    {
        var random = new Random(Seed);
        var clients = new Dictionary<string, McpClient>();
        foreach (var tenant in SampleDeployment.SampleTenants)
        {
            clients[tenant] = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(tenant));
        }

        var checkedCases = 0;
        try
        {
            foreach (var owner in SampleDeployment.SampleTenants)
            {
                for (var round = 0; round < 3; round++)
                {
                    var arguments = new Dictionary<string, object?> { ["query"] = Queries[random.Next(Queries.Length)], ["top_k"] = random.Next(1, 4), ["mode"] = new[] { "semantic", "hybrid" }[random.Next(2)] };
                    var cursor = (await clients[owner].CallAsync("search", arguments)).Ok().GetProperty("next_cursor").GetString();
                    Assert.NotNull(cursor);

                    foreach (var other in SampleDeployment.SampleTenants.Where(t => t != owner))
                    {
                        await AssertRefusedAsync(clients[other], new(arguments) { ["cursor"] = cursor }, other, $"{owner}'s cursor replayed by {other}");
                        checkedCases++;
                    }

                    Dictionary<string, object?>[] changed =
                    [
                        new(arguments) { ["cursor"] = cursor, ["query"] = arguments["query"] + " extra" },
                        new(arguments) { ["cursor"] = cursor, ["top_k"] = (int)arguments["top_k"]! + 1 },
                        new(arguments) { ["cursor"] = cursor, ["mode"] = (string)arguments["mode"]! == "keyword" ? "semantic" : "keyword" },
                        new(arguments) { ["cursor"] = cursor, ["filters"] = new Dictionary<string, object> { ["category"] = "faq" } },
                        new(arguments) { ["cursor"] = Tamper(cursor, random) },
                    ];
                    foreach (var variant in changed)
                    {
                        await AssertRefusedAsync(clients[owner], variant, owner, $"{owner}'s cursor with changed arguments");
                        checkedCases++;
                    }
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                await client.DisposeAsync();
            }
        }

        SecurityReport.Write($"isolation (tools): {checkedCases} replayed or altered cursors refused, seed {Seed}");
    }

    [Fact]
    public async Task Search_FilterNamingAnyReservedField_IsRefusedNeverWidened()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));
        var names = SearchLimits.ReservedAttributes.SelectMany(n => new[] { n, n.ToUpperInvariant() }).ToList();

        foreach (var name in names)
        {
            var result = await client.CallAsync("search", new()
            {
                ["query"] = "refund policy",
                ["filters"] = new Dictionary<string, object> { ["category"] = "policy", [name] = new[] { "tenant-c", "tenant-d" } },
            });
            Assert.Equal("invalid_argument", result.ErrorCode());
            ErrorHygiene.AssertClean(result.Text(), "tenant-c", deployment.DataDir);
        }

        SecurityReport.Write($"isolation (tools): {names.Count} filters naming reserved fields refused");
    }

    [Fact]
    public async Task DeleteAndFetch_OtherTenantsIdsWithWriteScope_AreNotFoundAndDeleteNothing()
    {
        var cFolder = Path.Combine(RepositoryPaths.Samples, "documents", "tenant-c");
        var dFolder = Path.Combine(RepositoryPaths.Samples, "documents", "tenant-d");
        var onlyInC = Directory.GetFiles(cFolder).Select(Path.GetFileNameWithoutExtension).Where(id => !File.Exists(Path.Combine(dFolder, id + ".md"))).ToList();
        var inBoth = Directory.GetFiles(cFolder).Select(Path.GetFileNameWithoutExtension).Where(id => File.Exists(Path.Combine(dFolder, id + ".md"))).ToList();
        await using var intruder = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-d", scope: "rag:read"));
        await using var writer = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(SampleDeployment.WriteTenant, scope: "rag:read rag:write"));
        await using var owner = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));

        // tenant-d shares tenant-c's index (document isolation); tenant-w has its own. Neither may touch tenant-c's documents.
        foreach (var id in onlyInC)
        {
            var fetched = await intruder.CallAsync("fetch", new() { ["id"] = id });
            Assert.Equal("not_found", fetched.ErrorCode());
            ErrorHygiene.AssertClean(fetched.Text(), "tenant-d", deployment.DataDir);
            var deleted = await writer.CallAsync("delete_document", new() { ["id"] = id });
            Assert.Equal("not_found", deleted.ErrorCode());
            ErrorHygiene.AssertClean(deleted.Text(), SampleDeployment.WriteTenant, deployment.DataDir);
        }

        foreach (var id in onlyInC.Concat(inBoth))
        {
            Assert.Contains("Fabrikam", (await owner.CallAsync("fetch", new() { ["id"] = id })).Ok().GetProperty("text").GetString()!, StringComparison.Ordinal);
        }

        SecurityReport.Write($"isolation (tools): {onlyInC.Count * 2} foreign fetches and deletes refused, {onlyInC.Count + inBoth.Count} owner documents intact");
    }

    private async Task AssertRefusedAsync(McpClient client, Dictionary<string, object?> arguments, string caller, string what)
    {
        var result = await client.CallAsync("search", arguments);
        Assert.True(result.IsError == true, what + " was accepted");
        Assert.Equal("invalid_argument", result.ErrorCode());
        ErrorHygiene.AssertClean(result.Text(), caller, deployment.DataDir);
    }

    private static string Tamper(string cursor, Random random)
    {
        var chars = cursor.ToCharArray();
        var i = random.Next(chars.Length);
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}

using McpRag.McpServer.Tests.Infrastructure;
using ModelContextProtocol.Client;

namespace McpRag.McpServer.Tests;

/// <summary>
/// Over streamable HTTP with a real MCP client: each sample tenant, in each mode, sees only its own documents.
/// Ownership is checked two independent ways: every hit links to the tenant's own domain, and every fetched text
/// names the tenant's company and no other tenant's.
/// </summary>
public sealed class TenantIsolationTests(SampleDeployment deployment)
{
    public static TheoryData<string, string> TenantsAndModes()
    {
        var data = new TheoryData<string, string>();
        foreach (var tenant in SampleDeployment.SampleTenants)
        {
            foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
            {
                data.Add(tenant, mode);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TenantsAndModes))]
    public async Task Search_EachTenantAndMode_ReturnsOnlyTheTenantsDocuments(string tenant, string mode)
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(tenant));

        var result = await client.CallAsync("search", new() { ["query"] = "how do I get a refund or reset my password", ["top_k"] = 10, ["mode"] = mode });

        var hits = result.Hits();
        Assert.Equal(10, hits.Count);
        Assert.Equal(tenant, result.Ok().GetProperty("tenant").GetString());
        Assert.Equal(mode, result.Ok().GetProperty("mode").GetString());
        foreach (var hit in hits)
        {
            Assert.EndsWith("." + SampleDeployment.Domains[tenant], new Uri(hit.GetProperty("url").GetString()!).Host, StringComparison.Ordinal);
            await AssertOwnedByAsync(client, tenant, hit.GetProperty("id").GetString()!);
        }
    }

    [Theory]
    [InlineData("tenant-c", "45-day return window", "24-hour free cancellation")]
    [InlineData("tenant-d", "24-hour free cancellation", "45-day return window")]
    public async Task Search_OverlappingRefundPolicy_EachTenantSeesOnlyItsOwnPolicy(string tenant, string ownFact, string otherFact)
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid(tenant));

        foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
        {
            var hits = (await client.CallAsync("search", new() { ["query"] = "refund policy", ["mode"] = mode })).Hits();
            Assert.Equal("refund-policy", hits[0].GetProperty("id").GetString());
        }

        var policy = (await client.CallAsync("fetch", new() { ["id"] = "refund-policy" })).Ok();
        var text = policy.GetProperty("text").GetString()!;
        Assert.Contains(ownFact, text, StringComparison.Ordinal);
        Assert.DoesNotContain(otherFact, text, StringComparison.Ordinal);
        Assert.Contains(SampleDeployment.Companies[tenant], text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_OtherTenantsDocumentId_IsIndistinguishableFromAMissingId()
    {
        var onlyInD = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "documents", "tenant-d"))
            .First(f => !File.Exists(Path.Combine(RepositoryPaths.Samples, "documents", "tenant-c", Path.GetFileName(f)))));
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));

        var otherTenants = await client.CallAsync("fetch", new() { ["id"] = onlyInD });
        var missing = await client.CallAsync("fetch", new() { ["id"] = "no-such-document-" + Guid.NewGuid().ToString("n") });

        Assert.Equal("not_found", otherTenants.ErrorCode());
        Assert.Equal("not_found", missing.ErrorCode());
        Assert.Equal(missing.Text(), otherTenants.Text());
    }

    [Fact]
    public async Task ReadResource_OtherTenantsDocument_IsIndistinguishableFromAMissingOne()
    {
        var onlyInD = Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(RepositoryPaths.Samples, "documents", "tenant-d"))
            .First(f => !File.Exists(Path.Combine(RepositoryPaths.Samples, "documents", "tenant-c", Path.GetFileName(f)))));
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));
        var own = await client.ReadResourceAsync("mcprag://documents/refund-policy", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains("Fabrikam", Assert.IsType<ModelContextProtocol.Protocol.TextResourceContents>(Assert.Single(own.Contents)).Text, StringComparison.Ordinal);

        var foreign = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(() =>
            client.ReadResourceAsync("mcprag://documents/" + onlyInD, cancellationToken: TestContext.Current.CancellationToken).AsTask());
        var missing = await Assert.ThrowsAsync<ModelContextProtocol.McpProtocolException>(() =>
            client.ReadResourceAsync("mcprag://documents/no-such-document", cancellationToken: TestContext.Current.CancellationToken).AsTask());

        Assert.Equal(missing.ErrorCode, foreign.ErrorCode);
        Assert.Equal(missing.Message, foreign.Message);
        Assert.DoesNotContain("tenant-d", foreign.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_TextCopiedFromOtherTenant_ReturnsOnlyOwnDocuments()
    {
        var tailspinText = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Samples, "documents", "tenant-d", "refund-policy.md"), TestContext.Current.CancellationToken);
        var paragraph = tailspinText.Split("\n\n").First(p => p.Contains("Tailspin", StringComparison.Ordinal) && p.Length > 100);
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));

        foreach (var mode in new[] { "keyword", "semantic", "hybrid" })
        {
            var hits = (await client.CallAsync("search", new() { ["query"] = paragraph, ["mode"] = mode, ["top_k"] = 50 })).Hits();
            Assert.All(hits, h => Assert.EndsWith("." + SampleDeployment.Domains["tenant-c"], new Uri(h.GetProperty("url").GetString()!).Host, StringComparison.Ordinal));
            Assert.All(hits, h => Assert.DoesNotContain("Tailspin", h.GetProperty("snippet").GetString()!, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Search_NextCursor_ReturnsTheNextPageOfTheSameTenant()
    {
        await using var client = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-b"));
        var arguments = new Dictionary<string, object?> { ["query"] = "appointment", ["top_k"] = 5 };

        var first = await client.CallAsync("search", arguments);
        var cursor = first.Ok().GetProperty("next_cursor").GetString();
        var second = await client.CallAsync("search", new(arguments) { ["cursor"] = cursor });

        var firstIds = first.Hits().Select(h => h.GetProperty("id").GetString()).ToList();
        var secondIds = second.Hits().Select(h => h.GetProperty("id").GetString()).ToList();
        Assert.Equal(5, firstIds.Count);
        Assert.NotEmpty(secondIds);
        Assert.Empty(firstIds.Intersect(secondIds));
    }

    [Fact]
    public async Task Search_CursorReplayedByOtherTenant_IsRefused()
    {
        await using var owner = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-c"));
        await using var other = await McpClients.HttpAsync(deployment, deployment.Tokens.Valid("tenant-d"));
        var arguments = new Dictionary<string, object?> { ["query"] = "refund", ["top_k"] = 2 };
        var cursor = (await owner.CallAsync("search", arguments)).Ok().GetProperty("next_cursor").GetString();

        var replayed = await other.CallAsync("search", new(arguments) { ["cursor"] = cursor });
        var changedQuery = await owner.CallAsync("search", new(arguments) { ["query"] = "shipping", ["cursor"] = cursor });

        Assert.Equal("invalid_argument", replayed.ErrorCode());
        Assert.Equal("invalid_argument", changedQuery.ErrorCode());
    }

    private static async Task AssertOwnedByAsync(McpClient client, string tenant, string id)
    {
        var text = (await client.CallAsync("fetch", new() { ["id"] = id })).Ok().GetProperty("text").GetString()!;
        foreach (var (other, company) in SampleDeployment.Companies)
        {
            if (other != tenant)
            {
                Assert.DoesNotContain(company, text, StringComparison.Ordinal);
            }
        }
    }
}

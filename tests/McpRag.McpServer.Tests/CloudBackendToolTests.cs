using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using McpRag.McpServer.Tests.Infrastructure;
using McpRag.Retrieval.Tests.OpenSearch;
using McpRag.Retrieval.Tests.QIndex;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ModelContextProtocol.Client;

namespace McpRag.McpServer.Tests;

/// <summary>
/// The opensearch and qindex backends driven through the MCP tools of the real server, against loopback fakes: what
/// the fakes received (the tenant scope on every request, the server's own downstream token, the query strategy of
/// each simulated OpenSearch version, request bodies valid under the official specifications) and what the agent sees.
/// </summary>
public sealed class CloudBackendToolTests(CloudBackendDeployment deployment) : IClassFixture<CloudBackendDeployment>
{
    private Task<McpClient> ClientAsync(string tenant, string subject = "tester", bool write = false) =>
        McpClients.HttpAsync(deployment.McpEndpoint, deployment.Tokens.Valid(tenant, write ? "rag:read rag:write" : "rag:read", subject));

    private static async Task UpsertAsync(McpClient client, string id, string title, string text) =>
        (await client.CallAsync("upsert_document", new() { ["id"] = id, ["title"] = title, ["text"] = text, ["attributes"] = new Dictionary<string, object> { ["category"] = "faq" } })).Ok();

    [Fact]
    public async Task DocumentIsolation_ToolsOnASharedIndex_ScopeEveryRequestToTheCallersTenant()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        await using (var writerC = await ClientAsync("tenant-c", write: true))
        {
            await UpsertAsync(writerC, $"refund-{run}", "Refund policy", $"Refunds {run} are paid within 14 days of the return.");
            await UpsertAsync(writerC, $"return-{run}", "Return shipping", $"Return {run} labels are free for refunds of faulty items.");
        }

        await using (var writerD = await ClientAsync("tenant-d", write: true))
        {
            await UpsertAsync(writerD, $"secret-{run}", "Refund escalation", $"Refunds {run} over 500 need the tenant-d manager.");
        }

        await using var readerC = await ClientAsync("tenant-c");
        var hybrid = (await readerC.CallAsync("search", new() { ["query"] = $"refunds {run}" })).Ok();
        var ids = hybrid.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Contains($"refund-{run}", ids);
        Assert.DoesNotContain($"secret-{run}", ids);
        Assert.Equal(("tenant-c", "opensearch", "hybrid"), (hybrid.GetProperty("tenant").GetString(), hybrid.GetProperty("backend").GetString(), hybrid.GetProperty("mode").GetString()));

        var first = (await readerC.CallAsync("search", new() { ["query"] = $"refunds {run}", ["mode"] = "keyword", ["top_k"] = 1 })).Ok();
        var cursor = first.GetProperty("next_cursor").GetString()!;
        var second = (await readerC.CallAsync("search", new() { ["query"] = $"refunds {run}", ["mode"] = "keyword", ["top_k"] = 1, ["cursor"] = cursor })).Ok();
        Assert.NotEqual(first.GetProperty("results")[0].GetProperty("id").GetString(), second.GetProperty("results")[0].GetProperty("id").GetString());
        Assert.Contains(deployment.Shared.Searches(CloudBackendDeployment.SharedIndex), r => r.Json["search_after"] is JsonArray);
        Assert.DoesNotContain(run, Readable(cursor), StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-c:", Readable(cursor), StringComparison.Ordinal);

        Assert.Equal("not_found", (await readerC.CallAsync("fetch", new() { ["id"] = $"secret-{run}" })).ErrorCode());
        Assert.Equal(run, (await readerC.CallAsync("fetch", new() { ["id"] = $"refund-{run}" })).Ok().GetProperty("text").GetString()!.Split(' ')[1]);

        var received = deployment.Shared.Requests.Where(r => r.Path.StartsWith("/" + CloudBackendDeployment.SharedIndex, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(received);
        foreach (var request in received)
        {
            var tenant = await VerifiedTenantAsync(request);
            if (request.Path.EndsWith("/_search", StringComparison.Ordinal))
            {
                Assert.Contains($"{{\"term\":{{\"tenant_id\":\"{tenant}\"}}}}", request.Body, StringComparison.Ordinal);
                Assert.Empty(OpenSearchSpec.SearchBody(request.Json));

                // 2.17 with document-level security: hybrid is fused by the server, never sent as a hybrid query.
                Assert.DoesNotContain("\"hybrid\"", request.Body, StringComparison.Ordinal);
            }
            else if (request.Path.EndsWith("/_bulk", StringComparison.Ordinal))
            {
                Assert.Empty(OpenSearchSpec.BulkBody(request.Body));
                Assert.All(request.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("\"tenant_id\"", StringComparison.Ordinal)),
                    line => Assert.Equal(tenant, JsonNode.Parse(line)!["tenant_id"]!.GetValue<string>()));
            }
        }

        AssertEveryOpenSearchBodyIsValid();
    }

    [Fact]
    public async Task Search_TypedFilter_ReachesOpenSearchAsBoolBesideTheTenantTerm()
    {
        await using var reader = await ClientAsync("tenant-c");
        var before = deployment.Shared.Searches(CloudBackendDeployment.SharedIndex).Count();

        (await reader.CallAsync("search", new()
        {
            ["query"] = "refund",
            ["mode"] = "keyword",
            ["filters"] = JsonSerializer.Deserialize<JsonElement>("""{"$or": [{"category": "faq"}, {"$not": {"category": {"$exists": true}}}], "year": {"$gte": 2020, "$lt": 2026}}"""),
        })).Ok();

        var request = deployment.Shared.Searches(CloudBackendDeployment.SharedIndex).Skip(before).Single();
        Assert.Empty(OpenSearchSpec.SearchBody(request.Json));
        var scope = request.Json["query"]!["bool"]!["filter"]!.AsArray();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"term": {"tenant_id": "tenant-c"}}"""), scope[0]), scope.ToJsonString());
        Assert.Contains(scope, c => JsonNode.DeepEquals(c, JsonNode.Parse("""
            {"bool": {"should": [{"terms": {"attributes.category": ["faq"]}}, {"bool": {"must_not": [{"exists": {"field": "attributes.category"}}]}}], "minimum_should_match": 1}}
            """)));
        Assert.Contains(scope, c => JsonNode.DeepEquals(c, JsonNode.Parse("""{"range": {"attributes.year": {"gte": 2020, "lt": 2026}}}""")));
    }

    [Fact]
    public async Task Search_SnippetChars_IsTheHighlightFragmentSizeAndCutsTheUnhighlightedSnippet()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        await using (var writer = await ClientAsync("tenant-b", write: true))
        {
            await UpsertAsync(writer, $"tides-{run}", "Tide tables", $"Tide tables {run} list the high and low water of every harbour for the whole year ahead.");
        }

        await using var reader = await ClientAsync("tenant-b");
        var before = deployment.Shared.Searches("mcprag-tenant-b").Count();
        var hits = (await reader.CallAsync("search", new() { ["query"] = $"tide tables {run}", ["mode"] = "keyword", ["snippet_chars"] = 40 })).Hits();

        var request = deployment.Shared.Searches("mcprag-tenant-b").Skip(before).Single();
        Assert.Equal(40, request.Json["highlight"]!["fields"]!.AsObject().Single().Value!["fragment_size"]!.GetValue<int>());
        Assert.Empty(OpenSearchSpec.SearchBody(request.Json));
        var hit = hits.Single(h => h.GetProperty("id").GetString() == $"tides-{run}");
        Assert.True(hit.GetProperty("snippet_truncated").GetBoolean());
        Assert.True(hit.GetProperty("snippet").GetString()!.Length <= 42, hit.GetProperty("snippet").GetString());
    }

    [Theory]
    [InlineData("2.11.0", false)]
    [InlineData("2.17.1", false)]
    [InlineData("2.19.1", false)]
    [InlineData("3.9.0", true)]
    public async Task HybridSearch_DocumentIsolationPerSimulatedVersion_FollowsTheCapabilityTable(string version, bool nativeHybrid)
    {
        var cluster = deployment.Versions[version];
        var tenant = CloudBackendDeployment.VersionTenants[version];
        var run = Guid.NewGuid().ToString("n")[..8];
        await using (var writer = await ClientAsync(tenant, write: true))
        {
            await UpsertAsync(writer, $"doc-{run}", "Roaming", $"Roaming {run} is included in every plan.");
        }

        var before = cluster.Searches(CloudBackendDeployment.VersionIndex).Count();
        await using var reader = await ClientAsync(tenant);
        var hits = (await reader.CallAsync("search", new() { ["query"] = $"roaming {run}" })).Hits();

        Assert.Equal($"doc-{run}", hits[0].GetProperty("id").GetString());
        var searches = cluster.Searches(CloudBackendDeployment.VersionIndex).Skip(before).ToList();
        Assert.Equal(nativeHybrid ? 1 : 2, searches.Count);
        Assert.All(searches, s =>
        {
            Assert.Equal(nativeHybrid, s.Json["query"]!["hybrid"] is not null);
            Assert.Equal(nativeHybrid, s.Query.Contains("search_pipeline=mcprag-hybrid", StringComparison.Ordinal));
            Assert.Empty(OpenSearchSpec.SearchBody(s.Json));
        });
        // Read once per route, with the route's own credentials (the server's token for this tenant).
        Assert.Single(cluster.Requests, r => r.Method == "GET" && r.Path == "/" && RolesOf(r) == tenant);
        Assert.Single(cluster.Requests, r => r.Method == "GET" && r.Path == "/_nodes/plugins" && RolesOf(r) == tenant);
        AssertEveryOpenSearchBodyIsValid();
    }

    [Fact]
    public async Task HybridSearch_IndexIsolationOn211_SendsTheHybridQueryThroughThePipeline()
    {
        var cluster = deployment.Versions["2.11.0"];
        var run = Guid.NewGuid().ToString("n")[..8];
        await using (var writer = await ClientAsync("tenant-i211", write: true))
        {
            await UpsertAsync(writer, $"doc-{run}", "Charging", $"Charging {run} takes two hours.");
        }

        await using var reader = await ClientAsync("tenant-i211");
        Assert.Equal($"doc-{run}", (await reader.CallAsync("search", new() { ["query"] = $"charging {run}" })).Hits()[0].GetProperty("id").GetString());

        var search = cluster.Searches("own-index").Last();
        Assert.NotNull(search.Json["query"]!["hybrid"]);
        Assert.Contains("search_pipeline=mcprag-hybrid", search.Query, StringComparison.Ordinal);
        Assert.Empty(OpenSearchSpec.SearchBody(search.Json));
    }

    [Fact]
    public async Task DomainIsolation_SemanticSearch_GoesOnlyToTheTenantsOwnDomain()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        await using (var writer = await ClientAsync("tenant-a", write: true))
        {
            await UpsertAsync(writer, $"esim-{run}", "eSIM activation", $"Scan the QR code {run} to activate your eSIM.");
        }

        var sharedBefore = deployment.Shared.Requests.Count;
        await using var reader = await ClientAsync("tenant-a");
        var hits = (await reader.CallAsync("search", new() { ["query"] = $"activate esim {run}", ["mode"] = "semantic" })).Hits();

        Assert.Equal($"esim-{run}", hits[0].GetProperty("id").GetString());
        var search = deployment.Domain.Searches("kb").Last();
        Assert.NotNull(search.Json["query"]!["knn"]!["embedding"]!["filter"]);
        Assert.Contains("\"tenant_id\":\"tenant-a\"", search.Body, StringComparison.Ordinal);
        Assert.Empty(OpenSearchSpec.SearchBody(search.Json));
        Assert.DoesNotContain(deployment.Shared.Requests.Skip(sharedBefore), r => r.TokenClaims?["roles"]?.ToJsonString().Contains("tenant-a", StringComparison.Ordinal) == true);
        await VerifiedTenantAsync(search);
    }

    [Fact]
    public async Task IndexIsolation_OwnIndexOnASharedCluster_IsSearchedScopedToTheTenant()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        await using (var writer = await ClientAsync("tenant-b", write: true))
        {
            await UpsertAsync(writer, $"clinic-{run}", "Opening hours", $"Clinics {run} open at eight.");
        }

        await using var reader = await ClientAsync("tenant-b");
        Assert.Equal($"clinic-{run}", (await reader.CallAsync("search", new() { ["query"] = $"clinics {run}", ["mode"] = "keyword" })).Hits()[0].GetProperty("id").GetString());

        var search = deployment.Shared.Searches("mcprag-tenant-b").Last();
        Assert.Contains("{\"term\":{\"tenant_id\":\"tenant-b\"}}", search.Body, StringComparison.Ordinal);
        Assert.Equal("tenant-b", await VerifiedTenantAsync(search));
    }

    [Fact]
    public async Task SemanticSearch_LongDocument_FindsAPassageFarFromItsStartAndFetchReturnsTheWholeText()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        var opening = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"Recipe {i}: whisk the eggs, fold in the flour and bake the sponge cake for twenty minutes."));
        var ending = "During a volcanic eruption stay indoors, close every window and wear a mask against the falling ash.";
        await using (var writer = await ClientAsync("tenant-b", write: true))
        {
            var stored = (await writer.CallAsync("upsert_document", new() { ["id"] = $"handbook-{run}", ["title"] = "Household handbook", ["text"] = opening + " " + ending })).Ok();
            Assert.True(stored.GetProperty("chunks").GetInt32() > 1);
            await UpsertAsync(writer, $"hiking-{run}", "Mountain hiking", "Good hiking boots support the ankles on rocky mountain trails.");
        }

        await using var reader = await ClientAsync("tenant-b");
        var hits = (await reader.CallAsync("search", new() { ["query"] = "what to do in a volcanic eruption", ["mode"] = "semantic", ["top_k"] = 2 })).Hits();
        var document = (await reader.CallAsync("fetch", new() { ["id"] = $"handbook-{run}" })).Ok();

        Assert.Equal($"handbook-{run}", hits[0].GetProperty("id").GetString());
        // The snippet is the matching passage's (the fake does not highlight, so its opening words), not the record's.
        Assert.DoesNotContain("Recipe 0:", hits[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Equal(hits.Count, hits.Select(h => h.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(opening + " " + ending, document.GetProperty("text").GetString());
        Assert.Contains(deployment.Shared.Documents("mcprag-tenant-b").Values, d => d["doc_id"]!.GetValue<string>() == $"handbook-{run}" && d["passage"] is not null);
        AssertEveryOpenSearchBodyIsValid();
    }

    [Fact]
    public async Task UnprovisionedIndex_AgentSeesTenantNotProvisionedAndTheServerNeverCreatesIt()
    {
        await using var client = await ClientAsync("tenant-missing", write: true);

        var search = await client.CallAsync("search", new() { ["query"] = "anything" });
        var upsert = await client.CallAsync("upsert_document", new() { ["id"] = "a", ["title"] = "A", ["text"] = "Some text." });

        Assert.Equal("tenant_not_provisioned", search.ErrorCode());
        Assert.Equal("tenant_not_provisioned", upsert.ErrorCode());
        foreach (var text in new[] { search.Text(), upsert.Text() })
        {
            Assert.DoesNotContain("not-provisioned", text, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(deployment.Shared.Requests, r => r.Method == "PUT");
        AssertEveryOpenSearchBodyIsValid();
    }

    [Fact]
    public async Task FaissRoute_On219_IsServed()
    {
        await using var client = await ClientAsync("tenant-faiss219");

        (await client.CallAsync("search", new() { ["query"] = "anything", ["mode"] = "semantic" })).Ok();

        Assert.Contains(deployment.Versions["2.19.1"].Searches("faiss-index"), s => s.Json["query"]!["knn"]!["embedding"]!["filter"] is not null);
    }

    [Fact]
    public async Task Reload_ModelChangedOrFaissRouteAddedOnOldCluster_AgentSeesTenantNotProvisioned()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        await using (var writer = await ClientAsync("tenant-reload", write: true))
        {
            await UpsertAsync(writer, $"doc-{run}", "Tariffs", $"Tariffs {run} change in April.");
        }

        await using var reader = await ClientAsync("tenant-reload");
        (await reader.CallAsync("search", new() { ["query"] = $"tariffs {run}", ["mode"] = "semantic" })).Ok();
        var mappingChecks = deployment.Versions["2.19.1"].Requests.Count(r => r.Path == "/reload-index/_mapping");

        JsonNode? original = null;
        await deployment.EditTenantsAsync(tenants =>
        {
            original = tenants["tenant-reload"]!.DeepClone();
            tenants["tenant-reload"]!["embeddingModel"] = "amazon.titan-embed-text-v2:0";
            tenants["tenant-reload"]!["dimensions"] = 1024;
            tenants["tenant-faiss217"] = CloudBackendDeployment.Route("index", deployment.Versions["2.17.1"].Url, "faiss-index", engine: "faiss");
        });
        try
        {
            var changed = await reader.CallAsync("search", new() { ["query"] = $"tariffs {run}", ["mode"] = "semantic" });
            await using var faiss = await ClientAsync("tenant-faiss217");
            var refused = await faiss.CallAsync("search", new() { ["query"] = "anything", ["mode"] = "semantic" });

            Assert.Equal("tenant_not_provisioned", changed.ErrorCode());
            Assert.Equal(mappingChecks + 1, deployment.Versions["2.19.1"].Requests.Count(r => r.Path == "/reload-index/_mapping"));
            Assert.Equal("tenant_not_provisioned", refused.ErrorCode());
            Assert.Empty(deployment.Versions["2.17.1"].Searches("faiss-index"));
            foreach (var text in new[] { changed.Text(), refused.Text() })
            {
                Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
                Assert.DoesNotContain("1024", text, StringComparison.Ordinal);
            }
        }
        finally
        {
            // The table is shared with the class's other tests, and a faiss route on a cluster before 2.19 stops a
            // freshly started server (the stdio test starts one): put the table back as it was.
            await deployment.EditTenantsAsync(tenants =>
            {
                tenants["tenant-reload"] = original;
                tenants.Remove("tenant-faiss217");
            });
        }
    }

    [Fact]
    public async Task Search_CursorReplayedByAnotherUserOfTheSameTenant_IsRefused()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        await using (var writer = await ClientAsync("tenant-b", write: true))
        {
            await UpsertAsync(writer, $"p1-{run}", "Parking", $"Parking {run} is free.");
            await UpsertAsync(writer, $"p2-{run}", "Parking permits", $"Parking {run} permits are issued monthly.");
        }

        await using var owner = await ClientAsync("tenant-b", subject: "user-1");
        var cursor = (await owner.CallAsync("search", new() { ["query"] = $"parking {run}", ["mode"] = "keyword", ["top_k"] = 1 })).Ok().GetProperty("next_cursor").GetString()!;
        await using var other = await ClientAsync("tenant-b", subject: "user-2");

        var replayed = await other.CallAsync("search", new() { ["query"] = $"parking {run}", ["mode"] = "keyword", ["top_k"] = 1, ["cursor"] = cursor });

        Assert.Equal("invalid_argument", replayed.ErrorCode());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task QIndexRoute_SearchThroughTheServeProcess_ExchangesTheCallersTokenAndPagesWithAnOpaqueCursor()
    {
        var nextToken = "nt-" + new string('Q', 797);
        deployment.Aws.QBusiness = request => FakeResponse.Json(JsonSerializer.Serialize(new
        {
            relevantContent = new[]
            {
                new { content = "Connect the VPN before opening the intranet.", documentId = "vpn-setup", documentTitle = "VPN setup", documentUri = "https://kb.example/vpn", scoreAttributes = new { scoreConfidence = "HIGH" } },
            },
            nextToken = request.Json.TryGetProperty("nextToken", out _) ? null : nextToken,
        }));
        var token = deployment.Tokens.Valid("tenant-q", subject: "alice");
        await using var client = await StdioAsync(token, await deployment.SingleTenantConfigAsync("tenant-q"));

        // A typed filter on the tenant's declared number and date attributes, the same on both pages (the cursor is bound to it).
        var filters = JsonSerializer.Deserialize<JsonElement>("""{"views": {"$gt": 10}, "$not": {"_last_updated_at": {"$lt": "2025-01-01"}}}""");
        var first = (await client.CallAsync("search", new() { ["query"] = "vpn setup", ["top_k"] = 3, ["filters"] = filters })).Ok();
        var cursor = first.GetProperty("next_cursor").GetString()!;
        var second = (await client.CallAsync("search", new() { ["query"] = "vpn setup", ["top_k"] = 3, ["filters"] = filters, ["cursor"] = cursor })).Ok();

        Assert.Equal("vpn-setup", first.GetProperty("results")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_cursor").ValueKind);
        Assert.DoesNotContain("QQQQ", Readable(cursor), StringComparison.Ordinal);

        var requests = deployment.Aws.Requests;
        var exchange = requests.First(r => r.Service == "sso-oauth");
        Assert.Equal(token, exchange.Json.GetProperty("assertion").GetString());
        Assert.Contains(requests, r => r.Service == "sts" && r.Form.ContainsKey("ProvidedContexts.member.1.ContextAssertion"));
        var searches = requests.Where(r => r.Service == "qbusiness").ToList();
        Assert.Equal(2, searches.Count);
        Assert.Equal(nextToken, searches[1].Json.GetProperty("nextToken").GetString());
        var expectedFilter = JsonDocument.Parse("""
            {"andAllFilters": [
              {"greaterThan": {"name": "views", "value": {"longValue": 10}}},
              {"notFilter": {"lessThan": {"name": "_last_updated_at", "value": {"dateValue": 1735689600}}}}]}
            """).RootElement;
        Assert.All(searches, s => Assert.True(JsonElement.DeepEquals(expectedFilter, s.Json.GetProperty("attributeFilter")), s.Body));
        var schema = JsonSchema.FromFile(Path.Combine(RepositoryPaths.Root, "..", "shared", "contracts", "qbusiness", "SearchRelevantContent.wire.schema.json"));
        Assert.All(searches, s => Assert.True(schema.Evaluate(new JsonObject { ["request"] = JsonNode.Parse(s.Body) }).IsValid, s.Body));
        Assert.All(searches, s => Assert.NotEqual(token, s.Header("Authorization")));
    }

    /// <summary>Every body any fake cluster has received so far is valid under the official OpenSearch specification.</summary>
    private void AssertEveryOpenSearchBodyIsValid()
    {
        foreach (var request in deployment.Clusters.SelectMany(c => c.Requests).Where(r => r.Body.Length > 0))
        {
            var errors = request.Path.EndsWith("/_search", StringComparison.Ordinal) ? OpenSearchSpec.SearchBody(request.Json)
                : request.Path.EndsWith("/_bulk", StringComparison.Ordinal) ? OpenSearchSpec.BulkBody(request.Body)
                : [$"no body expected for {request.Method} {request.Path}"];
            Assert.True(errors.Count == 0, $"{request.Method} {request.Path}: {string.Join("; ", errors)}");
        }
    }

    private static string? RolesOf(FakeOpenSearchCluster.Recorded request) =>
        request.TokenClaims?["roles"] is JsonArray { Count: 1 } roles ? roles[0]!.GetValue<string>() : null;

    /// <summary>Whatever a cursor reveals when each of its dot-separated parts is read as base64url text.</summary>
    private static string Readable(string cursor) => string.Join("\n", cursor.Split('.').Select(part =>
    {
        try
        {
            return Base64UrlEncoder.Decode(part);
        }
        catch (FormatException)
        {
            return part;
        }
    }));

    /// <summary>
    /// The request's token is the server's own (RS256 under the downstream key, issuer mcprag, audience the endpoint),
    /// never the caller's; returns the tenant its roles claim names.
    /// </summary>
    private async Task<string> VerifiedTenantAsync(FakeOpenSearchCluster.Recorded request)
    {
        Assert.StartsWith("Bearer ", request.Authorization, StringComparison.Ordinal);
        var key = deployment.DownstreamPublicKey;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(request.Authorization![7..], new TokenValidationParameters
        {
            // Whatever key id the token names, only the downstream key may verify it.
            IssuerSigningKeyResolver = (_, _, _, _) => [key],
            ValidIssuer = "mcprag",
            ValidateAudience = false,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var roles = Assert.IsType<JsonArray>(request.TokenClaims!["roles"]);
        return Assert.Single(roles)!.GetValue<string>();
    }

    private static Task<McpClient> StdioAsync(string token, string configFile) =>
        McpClient.CreateAsync(
            new StdioClientTransport(new StdioClientTransportOptions
            {
                Name = "mcprag",
                Command = "dotnet",
                Arguments = [RepositoryPaths.ServerDll, "serve", "--transport", "stdio", "--config", configFile, "--dev"],
                WorkingDirectory = RepositoryPaths.Root,
                EnvironmentVariables = new Dictionary<string, string?>
                {
                    ["MCPRAG_TOKEN"] = token,
                    ["AWS_ACCESS_KEY_ID"] = "AKIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
                    ["AWS_SECRET_ACCESS_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
                    ["AWS_SESSION_TOKEN"] = null,
                    ["AWS_PROFILE"] = null,
                },
            }),
            McpClients.ClientOptions,
            cancellationToken: TestContext.Current.CancellationToken);
}

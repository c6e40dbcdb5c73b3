using McpRag.Retrieval.Backends.QIndex;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// The data-accessor credential chain at the wire: which calls, in which order, with which fields, signed with
/// which credentials.
/// </summary>
public sealed class QIndexCredentialFlowTests
{
    [Fact]
    public async Task SearchAsync_FirstCall_AssumesRoleExchangesTokenAssumesRoleWithContextThenSearches()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var caller = QIndexTestHost.Caller("alice@example.com");

        await host.SearchAsync(caller);

        Assert.Equal(["sts", "sso-oauth", "sts", "qbusiness"], host.Services());
        var requests = host.Fakes.Requests;
        var issued = host.Fakes.Issued;
        Assert.Equal(2, issued.Count);

        // 1. AssumeRole on the ISV role, tagged with the tenant as external id, signed with the ISV's own keys.
        var roleSession = requests[0];
        Assert.Equal("POST", roleSession.Method);
        Assert.Equal("AssumeRole", roleSession.Form["Action"]);
        Assert.Equal("2011-06-15", roleSession.Form["Version"]);
        Assert.Equal(QIndexTestHost.RoleArn, roleSession.Form["RoleArn"]);
        Assert.Equal(DataAccessorCredentialProvider.ExternalIdTagKey, roleSession.Form["Tags.member.1.Key"]);
        Assert.Equal("tenant-q", roleSession.Form["Tags.member.1.Value"]);
        Assert.DoesNotContain(roleSession.Form.Keys, k => k.StartsWith("ProvidedContexts", StringComparison.Ordinal));
        Assert.Equal(host.IsvCredentials.AccessKey, roleSession.Authorization!.AccessKey);
        Assert.Equal(QIndexTestHost.Region, roleSession.Authorization.Region);

        // 2. CreateTokenWithIAM with the role session's credentials: jwt-bearer grant, the caller's own token as assertion.
        var exchange = requests[1];
        Assert.Equal("POST", exchange.Method);
        Assert.Equal("/token", exchange.Path);
        Assert.Equal("?aws_iam=t", exchange.Query);
        var exchangeBody = exchange.Json;
        Assert.Equal(QIndexTestHost.IdcApplicationArn, exchangeBody.GetProperty("clientId").GetString());
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", exchangeBody.GetProperty("grantType").GetString());
        Assert.Equal(caller.AccessToken, exchangeBody.GetProperty("assertion").GetString());
        Assert.Equal(issued[0].AccessKeyId, exchange.Authorization!.AccessKey);
        Assert.Equal(issued[0].SessionToken, exchange.Header("X-Amz-Security-Token"));
        Assert.Equal($"{exchange.Authorization.Date}/{QIndexTestHost.IdcRegion}/sso-oauth/aws4_request", exchange.Authorization.Scope);

        // 3. AssumeRole again with the identity context from the ID token as a provided context, same tag.
        var identityAware = requests[2];
        Assert.Equal("AssumeRole", identityAware.Form["Action"]);
        Assert.Equal(QIndexTestHost.RoleArn, identityAware.Form["RoleArn"]);
        Assert.Equal(DataAccessorCredentialProvider.ExternalIdTagKey, identityAware.Form["Tags.member.1.Key"]);
        Assert.Equal("tenant-q", identityAware.Form["Tags.member.1.Value"]);
        Assert.Equal("arn:aws:iam::aws:contextProvider/IdentityCenter", identityAware.Form["ProvidedContexts.member.1.ProviderArn"]);
        Assert.Equal(AwsFakeEndpoints.IdentityContextFor("alice@example.com"), identityAware.Form["ProvidedContexts.member.1.ContextAssertion"]);
        Assert.Equal(host.IsvCredentials.AccessKey, identityAware.Authorization!.AccessKey);

        // 4. SearchRelevantContent signed with the identity-aware credentials, scope …/{region}/qbusiness/aws4_request.
        var search = requests[3];
        Assert.Equal("POST", search.Method);
        Assert.Equal($"/applications/{QIndexTestHost.ApplicationId}/relevant-content", search.Path);
        Assert.StartsWith("application/json", search.Header("Content-Type"));
        Assert.Equal(issued[1].AccessKeyId, search.Authorization!.AccessKey);
        Assert.Equal($"{search.Authorization.Date}/{QIndexTestHost.Region}/qbusiness/aws4_request", search.Authorization.Scope);
        Assert.Equal("20260115", search.Authorization.Date);
        Assert.Equal(issued[1].SessionToken, search.Header("X-Amz-Security-Token"));
        Assert.Contains("host", search.Authorization.SignedHeaders.Split(';'));
        Assert.Contains("x-amz-date", search.Authorization.SignedHeaders.Split(';'));
        Assert.Contains("x-amz-security-token", search.Authorization.SignedHeaders.Split(';'));
        QBusinessWire.AssertSearchRelevantContentRequest(search.Json);
        Assert.Equal("vpn setup", search.Json.GetProperty("queryText").GetString());
        Assert.Equal(QIndexTestHost.RetrieverId, search.Json.GetProperty("contentSource").GetProperty("retriever").GetProperty("retrieverId").GetString());
        Assert.Equal(5, search.Json.GetProperty("maxResults").GetInt32());
        Assert.False(search.Json.TryGetProperty("nextToken", out _));
        Assert.False(search.Json.TryGetProperty("attributeFilter", out _));
    }

    [Fact]
    public async Task SearchAsync_IdentityContextInAdditionalDetails_UsesIt()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.IdentityContextInAdditionalDetails = true;

        await host.SearchAsync(QIndexTestHost.Caller("bob"));

        Assert.Equal(AwsFakeEndpoints.IdentityContextFor("bob"), host.Fakes.Requests[2].Form["ProvidedContexts.member.1.ContextAssertion"]);
    }

    [Fact]
    public async Task SearchAsync_RouteSetsExternalId_TagsSessionsWithIt()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var route = host.Route(extra: """, "externalId": "customer-7781" """);

        await host.SearchAsync(QIndexTestHost.Caller("carol"), route: route);

        var sts = host.Fakes.Requests.Where(r => r.Service == "sts").ToList();
        Assert.Equal(2, sts.Count);
        Assert.All(sts, r => Assert.Equal("customer-7781", r.Form["Tags.member.1.Value"]));
    }

    [Fact]
    public async Task SearchAsync_SameSubjectAgain_MakesNoStsOrIdentityCenterCalls()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var caller = QIndexTestHost.Caller("alice");
        await host.SearchAsync(caller);
        host.Fakes.ClearRequests();

        await host.SearchAsync(caller);

        Assert.Equal(["qbusiness"], host.Services());
        Assert.Equal(host.Fakes.Issued[1].AccessKeyId, host.Fakes.Requests[0].Authorization!.AccessKey);
    }

    [Fact]
    public async Task SearchAsync_OtherSubjectOfSameTenant_GetsItsOwnCredentials()
    {
        await using var host = await QIndexTestHost.StartAsync();
        await host.SearchAsync(QIndexTestHost.Caller("alice"));
        host.Fakes.ClearRequests();

        var bob = QIndexTestHost.Caller("bob");
        await host.SearchAsync(bob);

        // The tenant's role session is reused; the exchange and the identity-aware session are Bob's own.
        Assert.Equal(["sso-oauth", "sts", "qbusiness"], host.Services());
        var requests = host.Fakes.Requests;
        Assert.Equal(bob.AccessToken, requests[0].Json.GetProperty("assertion").GetString());
        Assert.Equal(AwsFakeEndpoints.IdentityContextFor("bob"), requests[1].Form["ProvidedContexts.member.1.ContextAssertion"]);
        var issued = host.Fakes.Issued;
        Assert.Equal(3, issued.Count);
        Assert.Equal(issued[2].AccessKeyId, requests[2].Authorization!.AccessKey);
        Assert.NotEqual(issued[1].AccessKeyId, requests[2].Authorization!.AccessKey);
    }

    [Fact]
    public async Task SearchAsync_CredentialsNearExpiry_RefreshesThem()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var caller = QIndexTestHost.Caller("alice");
        await host.SearchAsync(caller);

        // Credentials live one hour and are replaced five minutes before they expire.
        host.Time.Advance(TimeSpan.FromMinutes(54));
        host.Fakes.ClearRequests();
        await host.SearchAsync(caller);
        Assert.Equal(["qbusiness"], host.Services());

        host.Time.Advance(TimeSpan.FromMinutes(2));
        host.Fakes.ClearRequests();
        await host.SearchAsync(caller);

        Assert.Equal(["sts", "sso-oauth", "sts", "qbusiness"], host.Services());
        Assert.Equal(host.Fakes.Issued[^1].AccessKeyId, host.Fakes.Requests[^1].Authorization!.AccessKey);
    }

    [Fact]
    public async Task SearchAsync_MoreCallersThanCacheSize_EvictsTheOldestUnusedCaller()
    {
        await using var host = await QIndexTestHost.StartAsync(new Dictionary<string, string?> { ["McpRag:QIndex:CredentialCacheSize"] = "3" });
        await host.SearchAsync(QIndexTestHost.Caller("alice"));
        await host.SearchAsync(QIndexTestHost.Caller("bob"));
        await host.SearchAsync(QIndexTestHost.Caller("carol"));
        await host.SearchAsync(QIndexTestHost.Caller("dave"));
        host.Fakes.ClearRequests();

        await host.SearchAsync(QIndexTestHost.Caller("dave"));
        Assert.Equal(["qbusiness"], host.Services());

        host.Fakes.ClearRequests();
        await host.SearchAsync(QIndexTestHost.Caller("alice"));
        Assert.Equal(["sso-oauth", "sts", "qbusiness"], host.Services());
    }

    [Fact]
    public async Task SearchAsync_CallerWithoutToken_IsUnauthenticatedWithoutCallingAws()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var caller = QIndexTestHost.Caller("alice") with { AccessToken = null };

        var error = await Assert.ThrowsAsync<McpRag.Retrieval.Search.RetrievalException>(() => host.SearchAsync(caller));

        Assert.Equal(McpRag.Retrieval.Search.RetrievalErrorCode.Unauthenticated, error.Code);
        Assert.Empty(host.Fakes.Requests);
    }

    [Fact]
    public async Task SearchAsync_Always_NeverLogsTokensOrSecrets()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.RestJsonError(403, "AccessDeniedException", """{"message":"denied"}""");
        var caller = QIndexTestHost.Caller("alice");

        await Assert.ThrowsAsync<McpRag.Retrieval.Search.RetrievalException>(() => host.SearchAsync(caller));

        var log = host.Logs.All;
        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(caller.AccessToken!, log);
        Assert.DoesNotContain(host.IsvCredentials.SecretKey, log);
        Assert.All(host.Fakes.Issued, c =>
        {
            Assert.DoesNotContain(c.SecretAccessKey, log);
            Assert.DoesNotContain(c.SessionToken, log);
        });
        Assert.DoesNotContain(caller.AccessToken!, caller.ToString());
    }

}

using McpRag.Retrieval.Search;

namespace McpRag.Retrieval.Tests.QIndex;

/// <summary>
/// Each service error becomes the caller-facing code the design names, with a message that carries nothing of
/// the tenant's AWS setup; hints for the operator go to the log only.
/// </summary>
public sealed class QIndexErrorTests
{
    public static TheoryData<int, string, RetrievalErrorCode, string> QBusinessErrors => new()
    {
        { 403, "AccessDeniedException", RetrievalErrorCode.Forbidden, "data accessor" },
        { 400, "LicenseNotFoundException", RetrievalErrorCode.Forbidden, "subscription" },
        { 400, "ValidationException", RetrievalErrorCode.InvalidArgument, "rejected the request" },
        { 404, "ResourceNotFoundException", RetrievalErrorCode.BackendUnavailable, "tenant_not_provisioned" },
    };

    [Theory]
    [MemberData(nameof(QBusinessErrors))]
    public async Task SearchAsync_QBusinessError_MapsToCallerCodeAndLogsHint(int status, string errorType, RetrievalErrorCode expected, string logHint)
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.RestJsonError(status, errorType,
            $$"""{"message": "application {{QIndexTestHost.ApplicationId}} in account 444455556666 says no"}""");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Equal(expected, error.Code);
        AssertSafe(host, error.Message);
        Assert.Contains(logHint, host.Logs.All);
        Assert.Single(host.Fakes.Requests, r => r.Service == "qbusiness");
    }

    [Fact]
    public async Task SearchAsync_ErrorTypeOnlyInBody_IsRecognised()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.Json("""{"__type": "aws.qbusiness#AccessDeniedException", "message": "no"}""", 403);

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Equal(RetrievalErrorCode.Forbidden, error.Code);
    }

    [Fact]
    public async Task SearchAsync_ThrottledThenAnswered_RetriesAndSucceeds()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var attempts = 0;
        host.Fakes.QBusiness = _ => Interlocked.Increment(ref attempts) <= 2
            ? FakeResponse.RestJsonError(429, "ThrottlingException", """{"message": "slow down"}""")
            : FakeResponse.Json(QIndexTestHost.RelevantContent(("doc-1", "One", "text", "HIGH")));

        var page = await host.SearchAsync(QIndexTestHost.Caller("alice"));

        Assert.Equal("doc-1", Assert.Single(page.Hits).Id);
        var searches = host.Fakes.Requests.Where(r => r.Service == "qbusiness").ToList();
        Assert.Equal(3, searches.Count);
        Assert.All(searches, r => Assert.Equal(host.Fakes.Issued[1].AccessKeyId, r.Authorization!.AccessKey));
    }

    [Fact]
    public async Task SearchAsync_ThrottledOnEveryAttempt_IsThrottledWithRetryAfter()
    {
        await using var host = await QIndexTestHost.StartAsync(new Dictionary<string, string?> { ["McpRag:QIndex:MaxAttempts"] = "4" });
        host.Fakes.QBusiness = _ => FakeResponse.RestJsonError(429, "ThrottlingException", """{"message": "slow down"}""");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Equal(RetrievalErrorCode.Throttled, error.Code);
        Assert.NotNull(error.RetryAfter);
        Assert.Equal(4, host.Fakes.Requests.Count(r => r.Service == "qbusiness"));
    }

    [Fact]
    public async Task SearchAsync_ThrottledWithRetryAfter_RetriesAfterTheHintSignedAnew()
    {
        await using var host = await QIndexTestHost.StartAsync();
        var attempts = 0;
        host.Fakes.QBusiness = _ => Interlocked.Increment(ref attempts) == 1
            ? FakeResponse.RestJsonError(429, "ThrottlingException", """{"message": "slow down"}""") with { Headers = new Dictionary<string, string> { ["X-Amzn-ErrorType"] = "ThrottlingException", ["Retry-After"] = "3" } }
            : FakeResponse.Json(QIndexTestHost.RelevantContent(("doc-1", "One", "text", "HIGH")));
        var first = host.Time.GetUtcNow();

        var search = host.SearchAsync(QIndexTestHost.Caller("alice"));
        await WaitForAsync(() => host.Logs.All.Contains("OnRetry", StringComparison.Ordinal), "the retry of the throttled attempt");
        host.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, Volatile.Read(ref attempts));

        // The retry's delay starts right after it is logged: step the clock until the second attempt is sent.
        for (var step = 0; step < 10 && Volatile.Read(ref attempts) < 2; step++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1));
            await WaitForAsync(() => Volatile.Read(ref attempts) == 2, "the second attempt", TimeSpan.FromMilliseconds(200), failOnTimeout: false);
        }

        var page = await search.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal("doc-1", Assert.Single(page.Hits).Id);
        var dates = host.Fakes.Requests.Where(r => r.Service == "qbusiness").Select(r => r.Header("X-Amz-Date")!).ToList();
        Assert.Equal(2, dates.Count);
        Assert.Equal(Stamp(first), dates[0]);
        Assert.True(string.CompareOrdinal(dates[1], Stamp(first.AddSeconds(3))) >= 0, $"retried at {dates[1]}, before the 3 s Retry-After from {dates[0]}");
    }

    [Fact]
    public async Task SearchAsync_ValidationError_IsNotRetried()
    {
        await using var host = await QIndexTestHost.StartAsync(new Dictionary<string, string?> { ["McpRag:QIndex:MaxAttempts"] = "5" });
        host.Fakes.QBusiness = _ => FakeResponse.RestJsonError(400, "ValidationException", """{"message": "bad"}""");

        await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Single(host.Fakes.Requests, r => r.Service == "qbusiness");
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task WaitForAsync(Func<bool> condition, string what, TimeSpan? limit = null, bool failOnTimeout = true)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.False(failOnTimeout, "timed out waiting for " + what);
                return;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task SearchAsync_ServerErrorOnEveryAttempt_IsBackendUnavailable()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.QBusiness = _ => FakeResponse.RestJsonError(500, "InternalServerException", """{"message": "oops"}""");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Equal(RetrievalErrorCode.BackendUnavailable, error.Code);
        Assert.Equal(3, host.Fakes.Requests.Count(r => r.Service == "qbusiness"));
        AssertSafe(host, error.Message);
    }

    [Theory]
    [InlineData("InvalidGrantException", "invalid_grant")]
    [InlineData("ExpiredTokenException", "expired_token")]
    public async Task SearchAsync_CallerTokenRefusedAtExchange_IsUnauthenticated(string errorType, string oauthError)
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.SsoOidc = _ => FakeResponse.RestJsonError(400, errorType, $$"""{"error": "{{oauthError}}", "error_description": "token rejected"}""");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Equal(RetrievalErrorCode.Unauthenticated, error.Code);
        AssertSafe(host, error.Message);
        Assert.Equal(["sts", "sso-oauth"], host.Services());
    }

    [Fact]
    public async Task SearchAsync_ExchangeRefusedForTheApplication_IsForbiddenWithOperatorHint()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.SsoOidc = _ => FakeResponse.RestJsonError(400, "InvalidClientException", """{"error": "invalid_client", "error_description": "unknown client"}""");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Equal(RetrievalErrorCode.Forbidden, error.Code);
        Assert.Contains("trusted token issuer", host.Logs.All);
        AssertSafe(host, error.Message);
    }

    [Fact]
    public async Task SearchAsync_NoIdentityContextInExchangeAnswer_IsForbidden()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.SsoOidc = _ => FakeResponse.Json($$"""{"accessToken": "a", "tokenType": "Bearer", "expiresIn": 3600, "idToken": "{{AwsFakeEndpoints.UnsignedJwt(new Dictionary<string, object> { ["sub"] = "x" })}}"}""");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Equal(RetrievalErrorCode.Forbidden, error.Code);
        Assert.Contains("sts:identity_context", host.Logs.All);
        Assert.DoesNotContain(host.Fakes.Requests, r => r.Service == "qbusiness");
    }

    [Fact]
    public async Task SearchAsync_RoleTrustRefused_IsForbiddenWithOperatorHint()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.Sts = _ => FakeResponse.QueryError(403, "AccessDenied", $"User is not authorized to perform: sts:AssumeRole on resource: {QIndexTestHost.RoleArn}");

        var error = await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(QIndexTestHost.Caller("alice")));

        Assert.Equal(RetrievalErrorCode.Forbidden, error.Code);
        Assert.Contains("sts:SetContext", host.Logs.All);
        AssertSafe(host, error.Message);
    }

    [Fact]
    public async Task SearchAsync_FailedExchange_IsNotCached()
    {
        await using var host = await QIndexTestHost.StartAsync();
        host.Fakes.SsoOidc = _ => FakeResponse.RestJsonError(400, "InvalidGrantException", """{"error": "invalid_grant"}""");
        var alice = QIndexTestHost.Caller("alice");
        await Assert.ThrowsAsync<RetrievalException>(() => host.SearchAsync(alice));

        host.Fakes.SsoOidc = host.Fakes.DefaultSsoOidc;
        host.Fakes.ClearRequests();
        await host.SearchAsync(alice);

        Assert.Equal(["sso-oauth", "sts", "qbusiness"], host.Services());
    }

    /// <summary>A caller-facing message is one line and names nothing of the tenant's AWS setup or this server's endpoints.</summary>
    private static void AssertSafe(QIndexTestHost host, string message)
    {
        Assert.DoesNotContain('\n', message);
        foreach (var secret in new[] { QIndexTestHost.ApplicationId, QIndexTestHost.RetrieverId, QIndexTestHost.RoleArn, QIndexTestHost.IdcApplicationArn, "444455556666", "111122223333", "127.0.0.1", host.Fakes.Url })
        {
            Assert.DoesNotContain(secret, message);
        }
    }
}

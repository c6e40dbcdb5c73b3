using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace McpRag.Retrieval.Backends.QIndex;

/// <summary>
/// The retry and timeout pipeline of the Q Business HttpClient, from <see cref="QIndexOptions"/>: at most
/// <see cref="QIndexOptions.MaxAttempts"/> attempts of <see cref="QIndexOptions.RequestTimeout"/> each; throttling,
/// server errors and attempt timeouts are retried with exponential back-off and jitter from
/// <see cref="QIndexOptions.RetryBaseDelay"/>, or after the service's <c>Retry-After</c>; no wait is longer than
/// <see cref="MaxDelay"/>. Client errors (access, validation, missing resources) and connection failures are not
/// retried. No circuit breaker: the client is shared by every tenant, and one tenant's failing application must not
/// open a circuit for the others.
/// </summary>
public static class QBusinessResilience
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(20);

    public static IHttpClientBuilder AddQBusinessResilience(this IHttpClientBuilder builder)
    {
        builder.AddResilienceHandler("qbusiness", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<QIndexOptions>>().Value;
            var time = context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
            if (options.MaxAttempts > 1)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxAttempts - 1,
                    Delay = options.RetryBaseDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    MaxDelay = MaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
                    DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time)),
                });
            }

            pipeline.AddTimeout(options.RequestTimeout);
        });
        return builder;
    }

    /// <summary>Whether an attempt's outcome is worth another attempt (see <see cref="QBusinessException.IsRetryableError"/>).</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => true,
        { Result: { IsSuccessStatusCode: false } response } => QBusinessException.IsRetryableError(
            SearchRelevantContentClient.ShapeName(response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.FirstOrDefault() : null),
            response.StatusCode),
        _ => false,
    };

    /// <summary>The service's <c>Retry-After</c> (seconds or a date), at most <see cref="MaxDelay"/>; none leaves the back-off to decide.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        var hint = response?.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return hint is { } h && h > TimeSpan.Zero ? (h > MaxDelay ? MaxDelay : h) : null;
    }
}

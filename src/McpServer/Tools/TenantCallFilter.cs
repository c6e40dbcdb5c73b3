using System.Diagnostics;
using System.Text.Json;
using McpRag.McpServer.Audit;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Telemetry;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using McpRag.McpServer.Throttling;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Runs around every tool call and resource read, on both transports: authenticate (<see cref="CallerAuthenticator"/>),
/// check the declared scope, resolve the tenant's route, apply the tenant's quota, run the handler, turn failures
/// into errors the caller can act on, and record exactly one audit event. Unexpected exceptions are logged and
/// reported as a bare <c>backend_error</c> so nothing internal (stack, host, path, other tenants) reaches the caller.
/// </summary>
public sealed class TenantCallFilter(
    CallerAuthenticator callers,
    ToolScopes scopes,
    ToolAccess access,
    ITenantDirectory directory,
    BackendRegistry backends,
    ITenantThrottle throttle,
    CallRecorder recorder,
    ILogger<TenantCallFilter> logger,
    IHttpContextAccessor? http = null)
{
    /// <summary>The name <c>resources/read</c> calls carry in the audit trail and metrics.</summary>
    public const string ReadResourceOperation = "resources/read";

    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        var tool = context.Params?.Name ?? string.Empty;
        if (context.MatchedPrimitive is null || scopes.For(tool) is not { } scope)
        {
            await CountUnknownAsync(context.User, cancellationToken);
            // The caller-chosen name is not echoed, audited or used as a metric dimension.
            throw new McpProtocolException("unknown tool", McpErrorCode.InvalidParams);
        }

        var (result, failure) = await RunAsync(context, tool, scope, next, cancellationToken);
        return failure is null ? result! : ToolErrors.From(failure);
    }

    public async ValueTask<ReadResourceResult> InvokeAsync(
        RequestContext<ReadResourceRequestParams> context,
        McpRequestHandler<ReadResourceRequestParams, ReadResourceResult> next,
        CancellationToken cancellationToken)
    {
        if (context.MatchedPrimitive is null)
        {
            await CountUnknownAsync(context.User, cancellationToken);
            throw DocumentResources.NotFound(context.Params?.Uri);
        }

        var (result, failure) = await RunAsync(context, ReadResourceOperation, TenantPrincipal.ReadScope, next, cancellationToken);
        return failure switch
        {
            null => result!,
            { Code: RetrievalErrorCode.NotFound } => throw DocumentResources.NotFound(context.Params?.Uri),
            _ => throw new McpProtocolException(ToolErrors.TextOf(failure), failure.Code == RetrievalErrorCode.InvalidArgument ? McpErrorCode.InvalidParams : McpErrorCode.InvalidRequest),
        };
    }

    /// <summary>
    /// A request for a tool or resource that does not exist still costs the caller one request of their quota, so
    /// made-up names are no way around it; a throttled caller gets the throttled answer, an unauthenticated one the
    /// unauthenticated answer.
    /// </summary>
    private async Task CountUnknownAsync(System.Security.Claims.ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        try
        {
            var principal = await callers.AuthenticateAsync(user);
            var route = await directory.FindAsync(principal.TenantId, cancellationToken);
            if (route is not null)
            {
                using var lease = await throttle.AcquireAsync(route, principal, cancellationToken);
                if (!lease.IsAdmitted)
                {
                    throw new RetrievalException(RetrievalErrorCode.Throttled, $"{lease.Limit} quota exceeded") { RetryAfter = lease.RetryAfter };
                }
            }
        }
        catch (RetrievalException ex)
        {
            throw new McpProtocolException(ToolErrors.TextOf(ex), McpErrorCode.InvalidRequest);
        }
    }

    private async Task<(TResult? Result, RetrievalException? Failure)> RunAsync<TParams, TResult>(
        RequestContext<TParams> context,
        string operation,
        string scope,
        McpRequestHandler<TParams, TResult> next,
        CancellationToken cancellationToken)
        where TResult : Result
    {
        var started = Stopwatch.GetTimestamp();
        using var span = McpRagTelemetry.Source.StartActivity(operation == ReadResourceOperation ? operation : "tools/call " + operation, ActivityKind.Internal);
        var audit = new AuditEvent
        {
            Time = DateTimeOffset.UtcNow,
            RequestId = http?.HttpContext?.TraceIdentifier ?? RequestIds.New(),
            Transport = callers.Transport,
            Tool = operation,
            Outcome = AuditOutcome.Ok,
        };
        span?.SetTag("mcprag.request_id", audit.RequestId);
        TResult? result = default;
        RetrievalException? failure = null;
        try
        {
            TenantPrincipal principal;
            using (McpRagTelemetry.Source.StartActivity("auth"))
            {
                principal = await callers.AuthenticateAsync(context.User);
            }

            audit = audit with { Tenant = principal.TenantId, Subject = principal.Subject };
            if (!principal.HasScope(scope))
            {
                throw new RetrievalException(RetrievalErrorCode.Forbidden, $"this tool needs the '{scope}' scope");
            }

            TenantRoute route;
            using (McpRagTelemetry.Source.StartActivity("route"))
            {
                route = await directory.FindAsync(principal.TenantId, cancellationToken)
                    ?? throw new RetrievalException(RetrievalErrorCode.TenantNotProvisioned, "the caller's tenant is not provisioned on this server");
            }

            if (operation != ReadResourceOperation)
            {
                access.Demand(operation, route);
            }

            var backend = backends.Get(route);
            audit = audit with { Backend = backend.Name };
            ThrottleLease lease;
            using (McpRagTelemetry.Source.StartActivity("throttle"))
            {
                lease = await throttle.AcquireAsync(route, principal, cancellationToken);
            }

            using (lease)
            {
                if (!lease.IsAdmitted)
                {
                    throw new RetrievalException(RetrievalErrorCode.Throttled, $"{lease.Limit} quota exceeded") { RetryAfter = lease.RetryAfter };
                }

                new ToolCall(principal, route, backend).Attach(context);
                using (McpRagTelemetry.Source.StartActivity("backend"))
                {
                    result = await next(context, cancellationToken);
                }
            }
        }
        catch (RetrievalException ex)
        {
            failure = ex;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidCastException && !ToolCall.HasStarted(context))
        {
            // Argument binding failed before the handler ran: the arguments do not match the input schema.
            failure = RetrievalException.Invalid("arguments do not match the tool's input schema");
        }
        catch (OperationCanceledException)
        {
            recorder.Record(audit with { Outcome = AuditOutcome.Cancelled, LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds });
            throw;
        }
        catch (Exception ex) when (ex is not McpProtocolException)
        {
            logger.LogError(ex, "{Operation} failed for tenant {Tenant}", operation, audit.Tenant);
            failure = new RetrievalException(RetrievalErrorCode.BackendError, "the request could not be completed");
        }

        audit = Complete(audit, context, result, failure, Stopwatch.GetElapsedTime(started));
        span?.SetTag("mcprag.outcome", audit.Outcome);
        if (audit.Outcome != AuditOutcome.Ok)
        {
            span?.SetStatus(ActivityStatusCode.Error, audit.Outcome);
        }

        recorder.Record(audit);
        return (result, failure);
    }

    private AuditEvent Complete<TParams>(AuditEvent audit, RequestContext<TParams> context, Result? result, RetrievalException? failure, TimeSpan elapsed)
    {
        var completed = audit with { LatencyMs = elapsed.TotalMilliseconds };
        if (audit.Tool == "search" && context.Params is CallToolRequestParams call)
        {
            string? Argument(string name) => call.Arguments?.TryGetValue(name, out var value) == true && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

            // Only a valid mode is recorded: the raw argument is caller-chosen text.
            var mode = ToolArguments.TryMode(Argument("mode"))?.ToString().ToLowerInvariant();
            completed = recorder.WithQuery(completed with { Mode = mode }, Argument("query"));
        }

        if (failure is not null)
        {
            return completed with { Outcome = AuditOutcome.Of(failure.Code), Error = ToolErrors.CodeOf(failure.Code) };
        }

        return completed with
        {
            Hits = result switch
            {
                CallToolResult { StructuredContent: { } structured } when structured.TryGetProperty("results", out var results) => results.GetArrayLength(),
                _ when audit.Tool is "fetch" or ReadResourceOperation => 1,
                _ => null,
            },
        };
    }
}

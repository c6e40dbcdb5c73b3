using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using McpRag.McpServer.Audit;
using McpRag.McpServer.Auth;
using McpRag.McpServer.Telemetry;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using McpRag.Retrieval.Throttling;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Tools;

/// <summary>
/// Runs around every tool call, on both transports: authenticate (HTTP: the JwtBearer result; stdio: the token
/// source, validated now), check the tool's scope, resolve the tenant's route, apply the tenant's quota, run the
/// tool, turn failures into tool errors, and record exactly one audit event. Unexpected exceptions are logged and
/// reported as a bare <c>backend_error</c> so nothing internal (stack, host, path, other tenants) reaches the caller.
/// </summary>
public sealed class TenantCallFilter(
    TenantPrincipalFactory principals,
    TokenValidator validator,
    ITenantDirectory directory,
    BackendRegistry backends,
    ITenantThrottle throttle,
    CallRecorder recorder,
    ILogger<TenantCallFilter> logger,
    StdioTokenSource? stdioTokens = null,
    IHttpContextAccessor? http = null)
{
    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        if (context.MatchedPrimitive is null)
        {
            // Not one of our tools: the SDK answers with a JSON-RPC "unknown tool" error. Caller-chosen names never
            // reach the audit trail, metrics or quotas.
            return await next(context, cancellationToken);
        }

        var tool = context.Params?.Name ?? string.Empty;
        var started = Stopwatch.GetTimestamp();
        using var span = McpRagTelemetry.Source.StartActivity($"tools/call {tool}", ActivityKind.Internal);
        var audit = new AuditEvent
        {
            Time = DateTimeOffset.UtcNow,
            RequestId = http?.HttpContext?.TraceIdentifier ?? RequestIds.New(),
            Transport = stdioTokens is null ? "http" : "stdio",
            Tool = tool,
            Outcome = AuditOutcome.Ok,
        };
        span?.SetTag("mcprag.request_id", audit.RequestId);
        CallToolResult? result = null;
        RetrievalException? failure = null;
        try
        {
            TenantPrincipal principal;
            using (McpRagTelemetry.Source.StartActivity("auth"))
            {
                principal = await AuthenticateAsync(context.User);
            }

            audit = audit with { Tenant = principal.TenantId, Subject = principal.Subject };
            var scope = ToolScopes.For(tool);
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
            // Argument binding failed before the tool ran: the arguments do not match the input schema.
            failure = RetrievalException.Invalid("arguments do not match the tool's input schema");
        }
        catch (OperationCanceledException)
        {
            recorder.Record(audit with { Outcome = AuditOutcome.Cancelled, LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds });
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Tool {Tool} failed for tenant {Tenant}", tool, audit.Tenant);
            failure = new RetrievalException(RetrievalErrorCode.BackendError, "the request could not be completed");
        }

        result = failure is null ? result! : ToolErrors.From(failure);
        audit = Complete(audit, context.Params?.Arguments, result, failure, Stopwatch.GetElapsedTime(started));
        span?.SetTag("mcprag.outcome", audit.Outcome);
        if (audit.Outcome != AuditOutcome.Ok)
        {
            span?.SetStatus(ActivityStatusCode.Error, audit.Outcome);
        }

        recorder.Record(audit);
        return result;
    }

    private AuditEvent Complete(AuditEvent audit, IDictionary<string, JsonElement>? arguments, CallToolResult result, RetrievalException? failure, TimeSpan elapsed)
    {
        string? Argument(string name) => arguments?.TryGetValue(name, out var value) == true && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var completed = audit with { LatencyMs = elapsed.TotalMilliseconds };
        if (audit.Tool == "search")
        {
            // Only a valid mode is recorded: the raw argument is caller-chosen text.
            var mode = ToolArguments.TryMode(Argument("mode"))?.ToString().ToLowerInvariant();
            completed = recorder.WithQuery(completed with { Mode = mode }, Argument("query"));
        }

        if (failure is not null)
        {
            return completed with { Outcome = AuditOutcome.Of(failure.Code), Error = ToolErrors.CodeOf(failure.Code) };
        }

        var structured = result.StructuredContent;
        return completed with
        {
            Hits = structured?.TryGetProperty("results", out var results) == true ? results.GetArrayLength() : audit.Tool == "fetch" ? 1 : null,
        };
    }

    private async Task<TenantPrincipal> AuthenticateAsync(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            user = null;
            if (stdioTokens is not null)
            {
                var (token, error) = stdioTokens.Current();
                if (token is null)
                {
                    throw new RetrievalException(RetrievalErrorCode.Unauthenticated, error!);
                }

                (user, error) = await validator.ValidateAsync(token);
                if (user is null)
                {
                    throw new RetrievalException(RetrievalErrorCode.Unauthenticated, error!);
                }
            }
        }

        if (user is null)
        {
            throw new RetrievalException(RetrievalErrorCode.Unauthenticated, "no token");
        }

        var (principal, reason) = principals.Create(user);
        return principal ?? throw new RetrievalException(RetrievalErrorCode.Unauthenticated, reason!);
    }
}

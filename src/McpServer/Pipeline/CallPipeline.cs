using System.Diagnostics;
using System.Text.Json;
using McpRag.McpServer.Audit;
using McpRag.McpServer.Telemetry;
using McpRag.McpServer.Tools;
using McpRag.Retrieval.Search;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Pipeline;

/// <summary>
/// The per-call pipeline around every tool call and resource read, on both transports:
/// <see cref="AuthenticateStage"/> → <see cref="AuthorizeStage"/> → <see cref="RouteStage"/> →
/// <see cref="ThrottleStage"/> → <see cref="CallStage"/> → <see cref="AuditStage"/>, each deciding into one
/// <see cref="CallContext"/>. Over HTTP the context is the request's (the principal was resolved when the token was
/// validated); over stdio one is made per message.
/// </summary>
internal sealed class CallPipeline(
    AuthenticateStage authenticate,
    AuthorizeStage authorize,
    RouteStage routes,
    ThrottleStage throttle,
    AuditStage audit,
    ILogger<CallPipeline> logger,
    IHttpContextAccessor? http = null)
{
    /// <summary>The name <c>resources/read</c> calls carry in the audit trail and metrics.</summary>
    public const string ReadResourceOperation = "resources/read";

    /// <summary>The request's context: the HTTP request's own, or a new one for a stdio message.</summary>
    public CallContext ContextOf(MessageContext context) =>
        http?.HttpContext?.Features.Get<CallContext>() ?? new CallContext(authenticate.Transport, RequestIds.New());

    public async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        var call = ContextOf(context);
        var tool = context.Params?.Name ?? string.Empty;
        if (context.MatchedPrimitive is null || authorize.ScopeOf(tool) is not { } scope)
        {
            await CountUnknownAsync(call, context, cancellationToken);
            // The caller-chosen name is not echoed, audited or used as a metric dimension.
            throw new McpProtocolException("unknown tool", McpErrorCode.InvalidParams);
        }

        call.Operation = tool;
        var result = await RunAsync(call, context, scope, next, cancellationToken);
        return call.Failure is { } failure ? ToolErrors.From(failure) : result!;
    }

    public async ValueTask<ReadResourceResult> InvokeAsync(
        RequestContext<ReadResourceRequestParams> context,
        McpRequestHandler<ReadResourceRequestParams, ReadResourceResult> next,
        CancellationToken cancellationToken)
    {
        var call = ContextOf(context);
        if (context.MatchedPrimitive is null)
        {
            await CountUnknownAsync(call, context, cancellationToken);
            throw DocumentResources.NotFound(context.Params?.Uri);
        }

        call.Operation = ReadResourceOperation;
        var result = await RunAsync(call, context, TenantPrincipal.ReadScope, next, cancellationToken);
        return call.Failure switch
        {
            null => result!,
            { Code: RetrievalErrorCode.NotFound } => throw DocumentResources.NotFound(context.Params?.Uri),
            var failure => throw new McpProtocolException(ToolErrors.TextOf(failure), failure.Code == RetrievalErrorCode.InvalidArgument ? McpErrorCode.InvalidParams : McpErrorCode.InvalidRequest),
        };
    }

    /// <summary>
    /// A request for a tool or resource that does not exist still costs the caller one request of their quota, so
    /// made-up names are no way around it; a throttled caller gets the throttled answer, an unauthenticated one the
    /// unauthenticated answer.
    /// </summary>
    private async Task CountUnknownAsync(CallContext call, MessageContext context, CancellationToken cancellationToken)
    {
        try
        {
            var principal = await authenticate.RunAsync(call, context.User);
            if (await routes.FindAsync(call, principal, cancellationToken) is { } route)
            {
                var refusal = await throttle.AdmitAsync(call, route, principal, cancellationToken);
                call.ReleaseLease();
                if (refusal is not null)
                {
                    throw refusal;
                }
            }
        }
        catch (RetrievalException ex)
        {
            throw new McpProtocolException(ToolErrors.TextOf(ex), McpErrorCode.InvalidRequest);
        }
    }

    private async Task<TResult?> RunAsync<TParams, TResult>(
        CallContext call,
        RequestContext<TParams> context,
        string scope,
        McpRequestHandler<TParams, TResult> next,
        CancellationToken cancellationToken)
        where TResult : Result
    {
        var operation = call.Operation!;
        using var span = McpRagTelemetry.Source.StartActivity(operation == ReadResourceOperation ? operation : "tools/call " + operation, ActivityKind.Internal);
        span?.SetTag("mcprag.request_id", call.RequestId);
        TResult? result = default;
        try
        {
            TenantPrincipal principal;
            using (McpRagTelemetry.Source.StartActivity("auth"))
            {
                principal = await authenticate.RunAsync(call, context.User);
            }

            authorize.DemandScope(principal, scope);
            TenantRoute route;
            using (McpRagTelemetry.Source.StartActivity("route"))
            {
                route = await routes.RunAsync(call, principal, cancellationToken);
            }

            if (operation != ReadResourceOperation)
            {
                authorize.DemandAllowed(operation, route);
            }

            using (McpRagTelemetry.Source.StartActivity("throttle"))
            {
                await throttle.RunAsync(call, route, principal, cancellationToken);
            }

            result = await CallStage.RunAsync(call, context, next, cancellationToken);
        }
        catch (RetrievalException ex)
        {
            call.Failure = ex;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException or InvalidCastException && !call.HandlerStarted)
        {
            // Argument binding failed before the handler ran: the arguments do not match the input schema.
            call.Failure = RetrievalException.Invalid("arguments do not match the tool's input schema");
        }
        catch (OperationCanceledException)
        {
            call.Cancelled = true;
            audit.Record(call);
            throw;
        }
        catch (Exception ex) when (ex is not McpProtocolException)
        {
            logger.LogError(ex, "{Operation} failed for tenant {Tenant}", operation, call.Caller?.TenantId);
            call.Failure = new RetrievalException(RetrievalErrorCode.BackendError, "the request could not be completed");
        }
        finally
        {
            call.ReleaseLease();
        }

        var outcome = audit.Record(call);
        span?.SetTag("mcprag.outcome", outcome);
        if (outcome != AuditOutcome.Ok)
        {
            span?.SetStatus(ActivityStatusCode.Error, outcome);
        }

        return result;
    }
}

namespace McpRag.McpServer.Hosting;

/// <summary>
/// What later HTTP stages need to know about a posted JSON-RPC message (its method, the tool of a
/// <c>tools/call</c>, whether it has an id), read by <see cref="RequestLimitsMiddleware"/> in its one pass over the
/// body and kept in the request's <see cref="Pipeline.CallContext"/>, so no later stage reads the body again.
/// </summary>
internal sealed record McpRequestSummary(string? Method, string? Tool, bool HasId);

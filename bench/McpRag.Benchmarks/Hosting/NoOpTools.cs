using System.ComponentModel;
using McpRag.McpServer.Tools;
using McpRag.Retrieval.Tenancy;
using ModelContextProtocol.Server;

namespace McpRag.Benchmarks.Hosting;

/// <summary>
/// A tool that does nothing, served next to <c>search</c> through the same transport, JWT check and per-call
/// filter: its latency is the server's fixed cost, the baseline the search figures are divided by.
/// </summary>
[McpServerToolType]
internal sealed class NoOpTools
{
    [ToolScope(TenantPrincipal.ReadScope)]
    [McpServerTool(Name = "noop", ReadOnly = true, Idempotent = true, OpenWorld = false, Destructive = false)]
    [Description("Returns 'ok'. For benchmarks only.")]
    public static string NoOp() => "ok";
}

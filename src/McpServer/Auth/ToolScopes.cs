using McpRag.McpServer.Tools;
using ModelContextProtocol.Server;

namespace McpRag.McpServer.Auth;

/// <summary>
/// The scope each registered tool requires, read from its <see cref="ToolScopeAttribute"/>: one table used by the
/// HTTP scope check and the per-call pipeline (<see cref="Pipeline.AuthorizeStage"/>) and the per-caller <c>tools/list</c>. A tool without a declaration is a
/// start-up error, never a default.
/// </summary>
internal sealed class ToolScopes
{
    private readonly Dictionary<string, string> _required = new(StringComparer.Ordinal);

    public ToolScopes(IEnumerable<McpServerTool> tools)
    {
        foreach (var tool in tools)
        {
            var name = tool.ProtocolTool.Name;
            _required[name] = tool.Metadata.OfType<ToolScopeAttribute>().SingleOrDefault()?.Scope
                ?? throw new InvalidOperationException($"tool '{name}' declares no scope ([ToolScope] on its method)");
        }
    }

    /// <summary>The scope <paramref name="toolName"/> needs, or <c>null</c> when no such tool is registered.</summary>
    public string? For(string toolName) => _required.GetValueOrDefault(toolName);

    public IReadOnlyDictionary<string, string> All => _required;
}

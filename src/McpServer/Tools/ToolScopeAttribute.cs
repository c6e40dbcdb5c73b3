namespace McpRag.McpServer.Tools;

/// <summary>
/// The scope a tool needs, declared on the tool method itself so a new tool cannot be added without deciding it:
/// <see cref="Auth.ToolScopes"/> refuses to start when a registered tool has no declaration.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class ToolScopeAttribute(string scope) : Attribute
{
    public string Scope { get; } = scope;
}

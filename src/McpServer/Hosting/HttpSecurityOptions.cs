namespace McpRag.McpServer.Hosting;

/// <summary>
/// Limits and origin rules of the HTTP transport (<c>McpRag:Http</c>). A browser page on another site can reach a
/// server on the user's machine through DNS rebinding, so requests that carry a browser <c>Origin</c> are refused
/// unless the origin is listed, and a server bound to loopback answers only to loopback host names.
/// </summary>
internal sealed class HttpSecurityOptions
{
    public const string Section = "McpRag:Http";

    /// <summary>Browser origins (<c>scheme://host[:port]</c>) allowed to call the MCP endpoint besides loopback ones.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Host names the MCP endpoint answers to. Empty: any host when bound to a public address, and only
    /// <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> when the request arrived on loopback.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Largest request body accepted, in bytes; larger ones get 413. Also the longest line the stdio transport reads.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted in a request body; deeper ones get a JSON-RPC error.</summary>
    public int MaxJsonDepth { get; set; } = 32;

    /// <summary>
    /// With <c>--stateful</c>: most sessions one tenant may hold open in this process (each holds memory until it ends
    /// or idles out); an <c>initialize</c> past it gets 429, so one tenant cannot crowd out the others' sessions.
    /// </summary>
    public int MaxSessionsPerTenant { get; set; } = 100;
}

namespace McpRag.McpServer.Telemetry;

/// <summary>OpenTelemetry export (<c>McpRag:Telemetry</c>); nothing is exported unless an endpoint is set.</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "McpRag:Telemetry";

    /// <summary>OTLP endpoint (e.g. <c>http://127.0.0.1:4317</c>) for traces and metrics.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Add the tenant as a metric dimension. Off by default: tenant counts can be large.</summary>
    public bool TenantDimension { get; set; }
}
